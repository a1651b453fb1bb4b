import { isFinal, type JobResult } from '../ladder/result.js';
import type { Logger } from '../util/log.js';
import type { CacheWrite, ResultStore, StreamEnd } from './result-store.js';

/** What writing a final record needs; a worker's context has all of it. */
export interface FinalWriter {
  results: ResultStore;
  logger: Logger;
  /**
   * `redis.durability: replicated`: a final record is held until a replica confirms it, and only
   * then made visible and announced. Absent (`async`): written and announced at once.
   */
  replicaWait?: { confirm(): Promise<unknown> };
}

/**
 * Waits until a replica has the held final record of a job, then makes it the record and announces
 * it. Tries for ever (a worker waits for Redis as it does for a reconnect): a job is not completed
 * in BullMQ before its answer is safe, and if this process dies meanwhile the job runs again and
 * the next worker releases the held record instead of calling a provider.
 *
 * Answers false when there was nothing to release and the record is not final: the held write was
 * lost with a master that died before any replica had it (the replica promoted in its place has the
 * record as it was before), so a confirmation from the new master's replica says nothing about it.
 * True when released here or already final (another run released it).
 */
export async function releaseWhenReplicated(
  w: FinalWriter,
  id: string,
  stream: StreamEnd | undefined,
): Promise<boolean> {
  const wait = w.replicaWait;
  for (let tries = 1; wait; tries++) {
    try {
      await wait.confirm();
      break;
    } catch (error) {
      w.logger.warn(
        { job_id: id, err: error, tries },
        'final result not yet on a replica: holding it back',
      );
      await new Promise((resolve) => setTimeout(resolve, Math.min(tries * 100, 1_000)));
    }
  }
  if (await w.results.release(id, stream)) return true;
  const status = await w.results.status(id);
  return status !== null && isFinal(status);
}

/**
 * Writes a final record (held and released once a replica has it, under replicated durability);
 * only the first final write of a job counts. A streamed job's record also ends its event stream
 * (`final`), and an answer may go to the response cache, in the same Lua call. Answers whether
 * this write was the one that counted.
 */
export async function writeFinalRecord(
  w: FinalWriter,
  record: JobResult,
  options: { cache?: CacheWrite; stream?: StreamEnd } = {},
): Promise<boolean> {
  const hold = w.replicaWait !== undefined;
  for (;;) {
    // Fields named, not spread: see jobs/records.ts on the cost of spread copies.
    const written = await w.results.write(record, {
      cache: options.cache,
      stream: options.stream,
      hold,
    });
    if (!written.written) return false;
    if (!hold || (await releaseWhenReplicated(w, record.id, options.stream))) return true;
    // Nobody was told this answer (a held record is never announced): write it again, held, on
    // the master there is now, rather than complete the job with its record left unfinished.
    w.logger.warn(
      { job_id: record.id },
      'held final result lost in a failover before a replica had it: writing it again',
    );
  }
}

/** What a job's end is told to: the hook of a job that ended. */
export type EndWriter<Served> = FinalWriter & {
  observer: { jobFinished?(result: JobResult, served?: Served): void };
};

/**
 * `writeFinalRecord`, then the hook and log line of a job that ended; `served` is handed to the
 * hook as it is (what the worker knows of the answer beyond the record).
 */
export async function endJob<Served>(
  w: EndWriter<Served>,
  record: JobResult,
  options: { cache?: CacheWrite; stream?: StreamEnd; served?: Served } = {},
): Promise<void> {
  if (!(await writeFinalRecord(w, record, options))) return;
  jobEnded(w, record, options.served);
}

/** The hook and log line of a job whose final record was just written (by this process). */
export function jobEnded<Served>(w: EndWriter<Served>, record: JobResult, served?: Served): void {
  w.observer.jobFinished?.(record, served);
  // The line's fields are not even built below info (a worker's usual level is warn).
  if (!w.logger.isLevelEnabled('info')) return;
  w.logger.info(
    {
      job_id: record.id,
      ladder_level: record.level_name,
      status: record.status,
      source: record.source,
      provider_target: record.provider ? `${record.provider}/${record.model}` : undefined,
      degraded: record.degraded,
    },
    record.status === 'completed' ? 'job completed' : 'job failed',
  );
}
