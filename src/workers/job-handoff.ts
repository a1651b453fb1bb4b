import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Worker } from 'bullmq';
import type { ServedDetail } from '../jobs/hooks.js';
import type { JobResult } from '../ladder/result.js';
import { endJob, jobEnded } from '../results/final-record.js';
import { RedisResultStore, writeAnswer } from '../results/redis-result-store.js';
import type { CacheWrite, StreamEnd } from '../results/result-store.js';
import type { RedisClient } from '../util/redis.js';
import type { WorkerContext } from './context.js';

const COMMAND = 'ladderFinishJob';
/** BullMQ's own script that completes (or fails) a job and hands out the next one, as it ships. */
const BULLMQ_SCRIPT = 'bullmq/dist/cjs/scripts/moveToFinished-14.js';
/** moveToFinished's 14 keys and 9 arguments, as BullMQ 6.7 sends them. */
const BULLMQ_KEYS = 14;
const BULLMQ_ARGS = 9;

/** A served job's final record, waiting for BullMQ to complete its job. */
interface Deferred {
  record: JobResult;
  cache?: CacheWrite;
  stream?: StreamEnd;
  served?: ServedDetail;
}

type Run = (...args: unknown[]) => Promise<unknown>;

/**
 * A served job's final record written in the same Redis call as BullMQ's completion of the job
 * (lua/finish-job-17.lua: the record first, then BullMQ's own moveToFinished, unchanged), instead
 * of a Lua call of its own just before it: one round trip and one command less per job.
 *
 * The processor defers the record (`defer`) and returns; when BullMQ then sends moveToFinished for
 * that job, `attach`'s hook sends the fused script in its place and calls the hook and log line of
 * a job that ended if the record was written. BullMQ builds its keys and arguments itself; only
 * the command it sends is swapped. If BullMQ fails the job instead (an error after the processor),
 * the record still goes with that moveToFinished. `open` answers null, and records are written
 * apart as before, under replicated durability (a record must be confirmed by a replica before
 * BullMQ completes the job), with a store that is not Redis, or when the installed BullMQ does not
 * ship the script the way 6.7 does.
 */
export class JobHandoff {
  /** By queue and BullMQ id: a stale copy of a job may run at another level at the same time. */
  private readonly deferred = new Map<string, Deferred>();

  private constructor(
    private readonly ctx: WorkerContext,
    private readonly store: RedisResultStore,
    private readonly redis: RedisClient,
  ) {}

  static open(ctx: WorkerContext, redis: RedisClient): JobHandoff | null {
    if (ctx.replicaWait || !(ctx.results instanceof RedisResultStore)) return null;
    if (typeof (redis as unknown as Record<string, unknown>)[COMMAND] !== 'function') {
      const lua = finishScript();
      if (lua === null) return null;
      redis.defineCommand(COMMAND, { numberOfKeys: BULLMQ_KEYS + 3, lua });
    }
    return new JobHandoff(ctx, ctx.results, redis);
  }

  /** Sends `worker`'s moveToFinished of a job with a deferred record as the fused script. */
  attach(worker: Worker): void {
    const backend = worker.backend;
    // BullMQ types its answer `any`: passed on as it came.
    const execCommand = backend.execCommand.bind(backend);
    const send = (...a: Parameters<typeof execCommand>): unknown => execCommand(...a) as unknown;
    const queue = worker.name;
    backend.execCommand = (client, name, args: unknown[]): unknown => {
      if (name !== 'moveToFinished' || this.deferred.size === 0) return send(client, name, args);
      const id = slot(queue, String(args[BULLMQ_KEYS]));
      const end = this.deferred.get(id);
      if (!end) return send(client, name, args);
      if (args.length !== BULLMQ_KEYS + BULLMQ_ARGS) {
        // Not the call this was built for: the record apart, then BullMQ's own command.
        this.deferred.delete(id);
        return endJob(this.ctx, end.record, end).then(() => send(client, name, args));
      }
      return this.finish(id, args, end);
    };
  }

  /** Leaves `record`, the final record of the BullMQ job `bullId` of `queue`, to its completion. */
  defer(queue: string, bullId: string, record: JobResult, end: Omit<Deferred, 'record'>): void {
    const deferred = { record, cache: end.cache, stream: end.stream, served: end.served };
    this.deferred.set(slot(queue, bullId), deferred);
  }

  /**
   * Writes the deferred record of `bullId` now, on its own: a closing worker may not complete the
   * job (BullMQ skips that once its connection closes), and the answer must not be lost with it.
   */
  async flush(queue: string, bullId: string): Promise<void> {
    const id = slot(queue, bullId);
    const end = this.deferred.get(id);
    if (!end) return;
    this.deferred.delete(id);
    await endJob(this.ctx, end.record, end);
  }

  private async finish(id: string, args: unknown[], end: Deferred): Promise<unknown> {
    const write = this.store.writeCall(end.record, { cache: end.cache, stream: end.stream });
    const keysThenArgs = args.slice(0, BULLMQ_KEYS);
    keysThenArgs.push(...write.keys, ...args.slice(BULLMQ_KEYS), ...write.args);
    const run = (this.redis as unknown as Record<string, Run>)[COMMAND]!;
    // A failed call keeps the record deferred: BullMQ retries the completion, or fails the job,
    // and either sends moveToFinished for it again.
    const reply = (await run.apply(this.redis, keysThenArgs)) as [number, string, unknown?];
    this.deferred.delete(id);
    if (writeAnswer(reply).written) jobEnded(this.ctx, end.record, end.served);
    return reply[2];
  }
}

const slot = (queue: string, bullId: string): string => `${queue}\n${bullId}`;

/** lua/finish-job-17.lua with the record write and BullMQ's moveToFinished put in, or null. */
function finishScript(): string | null {
  let finish: unknown;
  try {
    finish = (createRequire(import.meta.url)(BULLMQ_SCRIPT) as Record<string, unknown>)
      .moveToFinished;
  } catch {
    return null;
  }
  const script = finish as { content?: unknown; keys?: unknown } | undefined;
  if (typeof script?.content !== 'string' || script.keys !== BULLMQ_KEYS) return null;
  const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');
  return read('./lua/finish-job-17.lua')
    .replace('--@write', () => read('../results/lua/write-result-3.lua'))
    .replace('--@finish', () => script.content as string);
}
