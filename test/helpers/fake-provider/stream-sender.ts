import type { ServerResponse } from 'node:http';
import { replyOf, type Behaviour, type ReplySpec } from './behaviours.js';
import type { StreamFault } from './stream-behaviour.js';
import { wordsOf } from './stream-behaviour.js';
import { sseScript, type SseScript, type StreamRequest } from './stream-wire.js';

/** The reply and its content pieces for a stream, or null for behaviours that are not a 2xx. */
function planOf(
  behaviour: Behaviour,
  callNumber: number,
): {
  reply: ReplySpec;
  pieces: string[];
  chunkDelayMs: number;
  fault?: StreamFault;
  hold?: { afterChunks: number; until: Promise<unknown> };
} | null {
  const reply = replyOf(behaviour, callNumber);
  if (!reply) return null;
  if (behaviour.kind !== 'stream') return { reply, pieces: wordsOf(reply.text), chunkDelayMs: 0 };
  return {
    reply,
    pieces: behaviour.chunks ?? wordsOf(reply.text),
    chunkDelayMs: behaviour.chunkDelayMs ?? 0,
    ...(behaviour.fault ? { fault: behaviour.fault } : {}),
    ...(behaviour.hold ? { hold: behaviour.hold } : {}),
  };
}

function write(
  res: ServerResponse,
  script: SseScript,
  plan: NonNullable<ReturnType<typeof planOf>>,
  hang: (res: ServerResponse) => void,
): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const event of script.preamble) res.write(event);
  let sent = 0;
  let held = false;
  const next = (): void => {
    if (res.destroyed) return;
    if (plan.hold && !held && sent === plan.hold.afterChunks) {
      held = true;
      void plan.hold.until.then(next, next);
      return;
    }
    const fault = plan.fault;
    if (fault && sent === fault.afterChunks) {
      // Cut once what was written has left, as a dropped connection mid-answer would.
      if (fault.kind === 'cut') res.socket?.write('', () => res.socket?.destroy());
      else if (fault.kind === 'stall') hang(res);
      else res.end(script.malformed);
      return;
    }
    const chunk = script.chunks[sent];
    if (chunk === undefined) {
      res.end(script.trailer.join(''));
      return;
    }
    res.write(chunk);
    sent += 1;
    if (plan.chunkDelayMs > 0) setTimeout(next, plan.chunkDelayMs);
    else next();
  };
  next();
}

/**
 * Answers a streaming request when the behaviour is a reply (paced, maybe with a fault); answers
 * false for error behaviours, which the server renders the usual way (an error before any event).
 */
export function serveStream(input: {
  res: ServerResponse;
  request: StreamRequest;
  body: unknown;
  behaviour: Behaviour;
  callNumber: number;
  hang: (res: ServerResponse) => void;
}): boolean {
  const plan = planOf(input.behaviour, input.callNumber);
  if (!plan) return false;
  const options = (input.body as { stream_options?: { include_usage?: unknown } } | null)
    ?.stream_options;
  const script = sseScript({
    provider: input.request.provider,
    model: input.request.model,
    reply: plan.reply,
    pieces: plan.pieces,
    callNumber: input.callNumber,
    includeUsage: options?.include_usage === true,
  });
  write(input.res, script, plan, input.hang);
  return true;
}
