import { once } from 'node:events';
import type { Response } from 'express';
import { isFinal, type JobResult } from '../../ladder/result.js';
import type { LadderOps } from '../../producer/ladder-ops.js';
import { again, relayEvents } from '../compat/relay-events.js';
import { tickBatch } from '../compat/tick-batch.js';
import { ChunkRelay } from './chunk-relay.js';
import { servedOrThrow } from './outcome.js';
import { toChunks, toSse } from './stream-chunks.js';
import { createdSeconds, ladderResponseHeaders, type ServedRecord } from './to-completion.js';

export interface StreamAnswerInput {
  res: Response;
  ops: LadderOps;
  events: NonNullable<LadderOps['events']>;
  jobId: string;
  /** The enqueue created the job (not a repeated id): nothing to look up before reading it. */
  created: boolean;
  /** The request's `model`, shown on chunks until the served one is known. */
  model: string;
  includeUsage: boolean;
  /** How long to wait for the answer (the job's deadline and its grace). */
  waitMs: number;
  deadlineMs: number;
}

function openStream(res: Response): void {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache');
  // Proxies such as nginx would otherwise buffer the events.
  res.setHeader('X-Accel-Buffering', 'no');
}

/** Ends a started stream with an error in OpenAI's shape; the SDKs raise it as an APIError. */
function endWithError(res: Response, jobId: string, message: string, code: string): void {
  const error = { message, type: 'api_error', param: null, code, job_id: jobId };
  res.end(`data: ${JSON.stringify({ error })}\n\n`);
}

/** A job already finished (a repeated request): its whole answer, as before streaming existed. */
function sendWhole(input: StreamAnswerInput, record: JobResult | null): void {
  const served: ServedRecord = servedOrThrow(input.jobId, record, input.deadlineMs);
  for (const [name, value] of Object.entries(ladderResponseHeaders(served)))
    input.res.setHeader(name, value);
  openStream(input.res);
  input.res.end(toSse(toChunks(served, { includeUsage: input.includeUsage })));
}

/**
 * `stream: true` on `/v1/chat/completions`: the job's pieces are relayed as OpenAI chunks as the
 * provider produces them. Nothing is sent before the first piece, so a job that fails before
 * answering still gets a real status code. After a mid-answer failover the new target continues
 * the text the client has (prefill); where it cannot, the stream ends with an error chunk naming
 * the job, which goes on and can be fetched when done.
 */
export async function streamAnswer(input: StreamAnswerInput): Promise<void> {
  const { res, ops, jobId } = input;
  // A job this request created is not final yet, and its stream is read from the start.
  const existing = input.created ? null : await ops.get(jobId);
  if (existing && isFinal(existing.status)) return sendWhole(input, existing);

  const batch = tickBatch(res);
  const relay = new ChunkRelay({
    id: jobId,
    created: existing ? createdSeconds(existing) : Math.floor(Date.now() / 1000),
    model: input.model,
    includeUsage: input.includeUsage,
    write: (chunk) => {
      batch();
      if (!res.headersSent) {
        openStream(res);
        res.flushHeaders();
      }
      if (!res.write(`data: ${JSON.stringify(chunk)}\n\n`)) void once(res, 'drain');
    },
  });
  const end = await relayEvents({
    res,
    events: input.events,
    jobId,
    created: input.created,
    waitMs: input.waitMs,
    take: (event) => relay.take(event),
  });
  if ('broken' in end) return endWithError(res, jobId, end.broken, 'stream_restarted');
  const final = end.final;
  if (res.destroyed || res.writableEnded) return;
  if (!relay.started) return sendWhole(input, final ?? (await ops.get(jobId)));
  if (final?.status === 'completed' && final.output) {
    relay.finish({ ...final, output: final.output });
    res.end('data: [DONE]\n\n');
    return;
  }
  const why = final
    ? `the job ended ${final.status}: ${final.error?.message ?? 'no answer'}`
    : `no answer within the deadline (${input.deadlineMs} ms)`;
  endWithError(
    res,
    jobId,
    `${why}; ${again(jobId)}`,
    final ? 'ladder_exhausted' : 'deadline_exceeded',
  );
}
