import type { LevelConfig, TargetRef } from '../config/types.js';
import type { JobInput } from '../ladder/job-schema.js';
import type { Completion, Provider } from '../providers/contract.js';
import { JobStreamSession } from '../streaming/session.js';
import { callStreaming } from '../streaming/stream-call.js';
import type { WorkerContext } from './context.js';
import type { StreamEnd } from '../results/result-store.js';

/** A streamed job's event stream, which its final record ends; undefined for any other job. */
export function finalStreamOf(
  ctx: WorkerContext,
  job: Pick<JobInput, 'stream'>,
  jobId: string,
): StreamEnd | undefined {
  return job.stream === true && ctx.streams ? ctx.streams.final(jobId) : undefined;
}

/**
 * The job's stream session when it asked for one and this worker writes streams; else null (not
 * a promise: most jobs do not stream, and their path awaits nothing for it). Started before the
 * record's claim, so reading back what readers hold so far costs no round trip of its own on the
 * way to the provider call; a job that ends at its claim drops it.
 */
export function startJobStream(
  ctx: WorkerContext,
  job: JobInput | null,
  jobId: string,
): Promise<JobStreamSession | null> | null {
  if (job?.stream !== true || !ctx.streams) return null;
  const opening = ctx.streams.open(jobId);
  // Awaited once the claim lets the job run; a job skipped there never awaits it.
  opening.catch(() => undefined);
  return opening;
}

/** One provider call: streamed into the job's stream when it has one, a plain call otherwise. */
export function callTarget(input: {
  provider: Provider;
  target: TargetRef;
  level: LevelConfig;
  request: JobInput['request'];
  timeoutMs: number;
  /** Aborted on shutdown: the call is cut and the job goes back to its queue. */
  signal?: AbortSignal;
  idleMs: number;
  stream?: JobStreamSession;
}): Promise<Completion> {
  const { provider, target, request, timeoutMs, signal } = input;
  if (!input.stream) return provider.complete({ model: target.model, request, timeoutMs, signal });
  return callStreaming({
    provider,
    session: input.stream,
    target: { level: input.level.level, provider: target.provider, model: target.model },
    model: target.model,
    request,
    timeoutMs,
    idleMs: input.idleMs,
    ...(signal ? { signal } : {}),
  });
}

/** A failed streamed attempt's trail field: how much of the answer it had sent. */
export function sentChars(stream: JobStreamSession | undefined): { sent_chars?: number } {
  const sent = stream?.sentByAttempt ?? 0;
  return sent > 0 ? { sent_chars: sent } : {};
}

/**
 * After a level served or gave up: a cache or static answer goes out as one piece, and every
 * event is in Redis before the final record (and its `final` event) is written.
 */
export async function endLevelStream(
  stream: JobStreamSession | null,
  level: LevelConfig,
  served: { source: string; completion: Completion } | null,
): Promise<void> {
  if (!stream) return;
  if (served && served.source !== 'llm')
    stream.whole(served.completion.output, { level: level.level });
  await stream.flush();
}
