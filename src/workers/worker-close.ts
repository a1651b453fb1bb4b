import type { Worker } from 'bullmq';
import type { RedisClient } from '../util/redis.js';

/** The jobs this process's workers are running: a shutdown leaves once none is left. */
export class ActiveJobs {
  private running = 0;
  private readonly onIdle = new Set<() => void>();

  get count(): number {
    return this.running;
  }

  begin(): void {
    this.running += 1;
  }

  end(): void {
    this.running -= 1;
    if (this.running === 0) for (const listener of [...this.onIdle]) listener();
  }

  /** Calls `listener` each time the count drops to zero; answers how to stop. */
  watch(listener: () => void): () => void {
    this.onIdle.add(listener);
    return () => this.onIdle.delete(listener);
  }
}

export type CloseOutcome = 'drained' | 'left' | 'requeued' | 'forced' | 'abandoned';

export interface CloseOptions {
  /** How long active jobs get to finish (`worker.shutdown_grace_ms`). */
  graceMs: number;
  /** Aborted once the grace is over: the provider calls in flight end and their jobs go back. */
  cut?: AbortController;
  /** The workers' connection: once it is down, nothing waited for below can happen. */
  redis?: RedisClient;
  /** The process's running jobs; absent, they are not known (the grace is waited out). */
  active?: ActiveJobs;
}

/** How long jobs whose calls were cut get to put themselves back on their queue. */
const REQUEUE_MS = 2_000;
/** How long a forced close may take before the worker is left to its lapsing locks. */
const FORCE_MS = 3_000;

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(resolve, ms, 'timeout')),
  );
  return Promise.race([promise, timedOut]).finally(() => clearTimeout(timer));
}

/**
 * 'down' once `redis` is not connected and `active` (when given) runs no job, checked now and at
 * each change of either; never when `stop` aborts first.
 */
function downAndIdle(
  redis: RedisClient,
  active: ActiveJobs | undefined,
  stop: AbortSignal,
): Promise<'down'> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (redis.status === 'ready' || (active !== undefined && active.count > 0)) return;
      done();
      resolve('down');
    };
    const unwatch = active?.watch(check);
    const done = (): void => {
      redis.off('close', check);
      redis.off('end', check);
      unwatch?.();
      stop.removeEventListener('abort', done);
    };
    redis.on('close', check);
    redis.on('end', check);
    stop.addEventListener('abort', done);
    check();
  });
}

/**
 * Stops taking jobs and waits up to `graceMs` for active ones. Then it aborts `cut` (the provider
 * calls in flight end, and their jobs go back to their queue) and waits a little for that; only
 * what is still running after that is abandoned: its lock lapses and another worker takes it over.
 *
 * With Redis gone it leaves as soon as no job runs ('left'), and at the end of the grace whatever
 * runs: BullMQ's close waits for its blocking connection's 'end', which ioredis 6 never emits for a
 * connection parked in `reconnecting` (taskforcesh/bullmq#4656), and a job can neither complete nor
 * go back without Redis. Nothing is lost by leaving: jobs live in Redis, and one left active is
 * taken over once its lock lapses, its record checked first.
 */
export async function closeWorkerGracefully(
  worker: Worker,
  options: CloseOptions,
): Promise<CloseOutcome> {
  const { graceMs, cut, redis, active } = options;
  const stop = new AbortController();
  const never = new Promise<never>(() => undefined);
  try {
    const closed = worker.close().then(() => 'closed' as const);
    // Without the running jobs known, the grace is theirs.
    const idleAndGone = redis && active ? downAndIdle(redis, active, stop.signal) : never;
    const first = await within(Promise.race([closed, idleAndGone]), graceMs);
    if (first === 'closed') return 'drained';
    if (first === 'down') return 'left';
    cut?.abort();
    const gone = redis ? downAndIdle(redis, undefined, stop.signal) : never;
    if (cut) {
      const requeue = await within(Promise.race([closed, gone]), REQUEUE_MS);
      if (requeue === 'closed') return 'requeued';
      if (requeue === 'down') return 'abandoned';
    }
    // A close under way ignores `force`, and on a Redis Cluster its wait for the blocking
    // connection to end can last for ever (seen after a slot migration: the cluster client never
    // emits 'end'). A shutdown must end: past FORCE_MS the worker's connections are dropped and
    // whatever it held is left to lapse, as if the process had died.
    const forced = worker.close(true).then(() => 'closed' as const);
    const force = await within(Promise.race([forced, gone]), FORCE_MS);
    if (force === 'closed') return 'forced';
    if (force === 'timeout') await within(worker.disconnect(), FORCE_MS).catch(() => undefined);
    return 'abandoned';
  } finally {
    stop.abort();
  }
}
