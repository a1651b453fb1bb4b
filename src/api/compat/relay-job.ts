import type { Response } from 'express';
import { isFinal, type JobResult } from '../../ladder/result.js';
import type { LadderOps } from '../../producer/ladder-ops.js';
import { servedOrThrow } from '../openai-compat/outcome.js';
import { ladderResponseHeaders, type ServedRecord } from '../openai-compat/to-completion.js';
import { BlockRelay, deltasOf, type BlockSink } from './block-relay.js';
import { again, relayEvents } from './relay-events.js';
import { tickBatch } from './tick-batch.js';

/** One named Server-Sent Event (`event:` and `data:` lines), as Anthropic and Responses send them. */
export type SendEvent = (type: string, data: object) => void;

/** An API's event sequence around the content blocks. */
export interface EventWriter extends BlockSink {
  /** The preamble (message_start, response.created), before the first block. */
  begin(): void;
  /** The closing events of a completed answer, from its record (usage, stop reason). */
  end(record: ServedRecord): void;
  /** Ends a started stream with an error event naming the job. */
  fail(message: string, code: 'stream_restarted' | 'ladder_exhausted' | 'deadline_exceeded'): void;
}

export interface RelayJobInput {
  res: Response;
  ops: LadderOps;
  jobId: string;
  /** The enqueue created the job (not a repeated id): nothing to look up before reading it. */
  created: boolean;
  /** How long to wait for the answer (the job's deadline and its grace). */
  waitMs: number;
  deadlineMs: number;
  writer: (send: SendEvent) => EventWriter;
}

function openStream(res: Response): void {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache');
  // Proxies such as nginx would otherwise buffer the events.
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
}

/**
 * `stream: true` on the Messages and Responses endpoints: the job's pieces are relayed as the
 * provider produces them, through the job's event stream. Nothing is sent before the first piece,
 * so a job that fails before answering still gets a real status code (thrown, for the endpoint's
 * error handler). Ops without an event source, and jobs already final, stream the whole answer.
 */
export async function relayJob(input: RelayJobInput): Promise<void> {
  const { res, ops, jobId } = input;
  const batch = tickBatch(res);
  const send: SendEvent = (type, data) => {
    batch();
    if (!res.headersSent) openStream(res);
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  };
  const writer = input.writer(send);
  const relay = new BlockRelay(writer, () => writer.begin());

  const sendWhole = (record: JobResult | null): void => {
    const served = servedOrThrow(jobId, record, input.deadlineMs);
    for (const [name, value] of Object.entries(ladderResponseHeaders(served)))
      res.setHeader(name, value);
    if (!relay.started) writer.begin();
    for (const delta of deltasOf(served.output)) relay.delta(delta);
    relay.closeOpen();
    writer.end(served);
    res.end();
  };

  // A job this request created is not final yet, and its stream is read from the start.
  const existing = input.created ? null : await ops.get(jobId);
  if (!ops.events || (existing && isFinal(existing.status))) {
    sendWhole(
      existing && isFinal(existing.status)
        ? existing
        : await ops.result(jobId, { timeoutMs: input.waitMs }),
    );
    return;
  }

  const end = await relayEvents({
    res,
    events: ops.events.bind(ops),
    jobId,
    created: input.created,
    waitMs: input.waitMs,
    take: (event) => relay.take(event),
  });
  if ('broken' in end) {
    writer.fail(end.broken, 'stream_restarted');
    res.end();
    return;
  }
  const final = end.final;
  if (res.destroyed || res.writableEnded) return;
  if (!relay.started) {
    sendWhole(final ?? (await ops.get(jobId)));
    return;
  }
  if (final?.status === 'completed' && final.output) {
    relay.closeOpen();
    writer.end({ ...final, output: final.output });
    res.end();
    return;
  }
  const why = final
    ? `the job ended ${final.status}: ${final.error?.message ?? 'no answer'}`
    : `no answer within the deadline (${input.deadlineMs} ms)`;
  writer.fail(`${why}; ${again(jobId)}`, final ? 'ladder_exhausted' : 'deadline_exceeded');
  res.end();
}
