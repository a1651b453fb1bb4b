import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Worker } from 'bullmq';
import type { ServedDetail } from '../jobs/hooks.js';
import type { JobResult } from '../ladder/result.js';
import { endJob, jobEnded } from '../results/final-record.js';
import { claimAnswer, RedisResultStore, writeAnswer } from '../results/redis-result-store.js';
import type { CacheWrite, ClaimAnswer, StreamEnd } from '../results/result-store.js';
import type { RedisClient } from '../util/redis.js';
import type { WorkerContext } from './context.js';
import { buffersAsText } from './text-args.js';

const ACTIVATE = 'ladderActivateJob';
const FINISH = 'ladderFinishJob';
/** BullMQ's own scripts, as they ship: hand a job out; complete (or fail) one and hand out the next. */
const BULLMQ_ACTIVE = { file: 'moveToActive-11.js', name: 'moveToActive', keys: 11, args: 3 };
const BULLMQ_FINISH = {
  file: 'moveToFinished-14.js',
  name: 'moveToFinished',
  keys: 14,
  args: 9,
  /** Index of the job's key among its keys (KEYS[12] in its header). */
  jobKey: 11,
};

/** A served job's final record, waiting for BullMQ to complete its job. */
interface Deferred {
  record: JobResult;
  cache?: CacheWrite;
  stream?: StreamEnd;
  served?: ServedDetail;
}

type Run = (...args: unknown[]) => Promise<unknown>;
type Reply = unknown[] | number | string | null | undefined;

/** The key of a job in the maps: a stale copy of a job may run at another level at the same time. */
const slot = (queue: string, bullId: string): string => `${queue}\n${bullId}`;

/**
 * The ladder's two Lua calls per job made inside BullMQ's own: the claim of a job's record in the
 * call that hands the job out (lua/activate-job-11.lua around BullMQ's moveToActive, and the fetch
 * of the next job at the end of finish-job-18.lua), and a served job's final record in the call
 * that completes it (finish-job-18.lua: the record first, then BullMQ's moveToFinished). A job the
 * ladder named costs one call instead of three. BullMQ builds its keys and arguments itself; only
 * the commands it sends are swapped (`attach`), and its answers are passed on as they came.
 *
 * The claim's answer waits in `claims` until the worker's `take`; a job it does not cover (a raw
 * producer's) is claimed by the worker as before. A served job's record waits in `deferred` until
 * BullMQ sends moveToFinished for the job (completing it, or failing it after an error); a call
 * that fails keeps it for BullMQ's retry. `open` answers null, and every call goes apart as
 * before, under replicated durability (a replica confirms a record before BullMQ completes its
 * job), with a store that is not Redis, or when the installed BullMQ does not ship its scripts the
 * way 6.7 does. On Redis Cluster the prefix's hash tag keeps queue and record keys in one slot.
 */
export class JobHandoff {
  private readonly deferred = new Map<string, Deferred>();
  private readonly claims = new Map<string, unknown>();

  private constructor(
    private readonly ctx: WorkerContext,
    private readonly store: RedisResultStore,
    private readonly redis: RedisClient,
  ) {}

  static open(ctx: WorkerContext, redis: RedisClient): JobHandoff | null {
    if (ctx.replicaWait || !(ctx.results instanceof RedisResultStore)) return null;
    const defined = redis as unknown as Record<string, unknown>;
    if (typeof defined[ACTIVATE] !== 'function' || typeof defined[FINISH] !== 'function') {
      const scripts = handoffScripts();
      if (scripts === null) return null;
      redis.defineCommand(ACTIVATE, { numberOfKeys: BULLMQ_ACTIVE.keys, lua: scripts.activate });
      redis.defineCommand(FINISH, { numberOfKeys: BULLMQ_FINISH.keys + 4, lua: scripts.finish });
    }
    return new JobHandoff(ctx, ctx.results, redis);
  }

  /** Sends `worker`'s moveToActive and (for a deferred record) moveToFinished as the fused scripts. */
  attach(worker: Worker, level: number): void {
    const backend = worker.backend;
    // BullMQ types its answer `any`: passed on as it came.
    const execCommand = backend.execCommand.bind(backend);
    const send = (...a: Parameters<typeof execCommand>): unknown => execCommand(...a) as unknown;
    const queue = worker.name;
    const spec = this.store.claimSpec();
    const claimArgs = [spec.recordPrefix, level, spec.ttlSeconds];
    backend.execCommand = (client, name, args: unknown[]): unknown => {
      if (name === BULLMQ_ACTIVE.name && args.length === BULLMQ_ACTIVE.keys + BULLMQ_ACTIVE.args) {
        // A copy: BullMQ may send its own array again.
        const sent = args.slice();
        const text = buffersAsText(sent, BULLMQ_ACTIVE.keys, sent.length);
        sent.push(...claimArgs, text);
        return this.run(ACTIVATE, sent).then((r) => this.kept(queue, r));
      }
      if (name !== BULLMQ_FINISH.name || this.deferred.size === 0) return send(client, name, args);
      const id = slot(queue, String(args[BULLMQ_FINISH.keys]));
      const end = this.deferred.get(id);
      if (!end) return send(client, name, args);
      if (args.length !== BULLMQ_FINISH.keys + BULLMQ_FINISH.args) {
        // Not the call this was built for: the record apart, then BullMQ's own command.
        this.deferred.delete(id);
        return endJob(this.ctx, end.record, end).then(() => send(client, name, args));
      }
      return this.finish(queue, id, args, end, claimArgs);
    };
  }

  /** Leaves `record`, the final record of the BullMQ job `bullId` of `queue`, to its completion. */
  defer(queue: string, bullId: string, record: JobResult, end: Omit<Deferred, 'record'>): void {
    const deferred = { record, cache: end.cache, stream: end.stream, served: end.served };
    this.deferred.set(slot(queue, bullId), deferred);
  }

  /**
   * The worker's claim of the job `bullId` of `queue`, ladder id `id`: the one made as BullMQ
   * handed the job out, or else one of its own (`ResultStore.take`).
   */
  take(
    queue: string,
    bullId: string,
    id: string,
    level: number,
    initial: () => JobResult,
  ): ClaimAnswer | Promise<ClaimAnswer> {
    const key = slot(queue, bullId);
    const made = this.claims.get(key);
    if (made === undefined || bullId !== `job.${id}`) return this.store.take(id, level, initial);
    this.claims.delete(key);
    // No record (a raw producer's job under a ladder-style id): created with the initial one.
    return claimAnswer(made) ?? this.store.claim(initial(), { activate: true });
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

  /** Drops what waits for a job BullMQ failed without running it (or after an error). */
  forget(queue: string, bullId: string): void {
    this.claims.delete(slot(queue, bullId));
  }

  private run(command: string, keysThenArgs: unknown[]): Promise<unknown> {
    const run = (this.redis as unknown as Record<string, Run>)[command]!;
    return run.apply(this.redis, keysThenArgs);
  }

  /** BullMQ's answer as it came, once the claim it carries (its fifth element) is put aside. */
  private kept(queue: string, reply: unknown): unknown {
    const next = reply as Reply;
    if (Array.isArray(next) && next[4] !== undefined && typeof next[1] === 'string')
      this.claims.set(slot(queue, next[1]), next[4]);
    return reply;
  }

  private async finish(
    queue: string,
    id: string,
    args: unknown[],
    end: Deferred,
    claimArgs: unknown[],
  ): Promise<unknown> {
    const write = this.store.writeCall(end.record, { cache: end.cache, stream: end.stream });
    const keysThenArgs = args.slice(0, BULLMQ_FINISH.keys);
    // The job's lock (BullMQ's job key, its twelfth, with ':lock'): the record is not written
    // when another run holds the job (finish-job-18.lua).
    const lock = `${String(args[BULLMQ_FINISH.jobKey])}:lock`;
    keysThenArgs.push(...write.keys, lock, ...args.slice(BULLMQ_FINISH.keys));
    const text = buffersAsText(keysThenArgs, BULLMQ_FINISH.keys + 4, keysThenArgs.length);
    keysThenArgs.push(...write.args, ...claimArgs, text);
    // A failed call keeps the record deferred: BullMQ retries the completion, or fails the job,
    // and either sends moveToFinished for it again.
    const reply = (await this.run(FINISH, keysThenArgs)) as [number, string, unknown?];
    this.deferred.delete(id);
    if (writeAnswer(reply).written) jobEnded(this.ctx, end.record, end.served);
    return this.kept(queue, reply[2]);
  }
}

/** The two scripts with the ladder's and BullMQ's put in, or null if BullMQ's are not there. */
function handoffScripts(): { activate: string; finish: string } | null {
  const bullmq = (spec: { file: string; name: string; keys: number }): string | null => {
    try {
      const scripts = createRequire(import.meta.url)(
        `bullmq/dist/cjs/scripts/${spec.file}`,
      ) as Record<string, { content?: unknown; keys?: unknown } | undefined>;
      const script = scripts[spec.name];
      return typeof script?.content === 'string' && script.keys === spec.keys
        ? script.content
        : null;
    } catch {
      return null;
    }
  };
  const active = bullmq(BULLMQ_ACTIVE);
  const finish = bullmq(BULLMQ_FINISH);
  if (active === null || finish === null) return null;
  const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');
  const claim = read('../results/lua/claim-result-1.lua');
  const claimNext = read('./lua/claim-next.lua');
  const fromLatin1 = read('./lua/from-latin1.lua');
  const quietMarker = read('./lua/quiet-marker.lua');
  return {
    activate: read('./lua/activate-job-11.lua')
      .replace('--@fromLatin1', () => fromLatin1)
      .replace('--@claimNext', () => claimNext)
      .replace('--@quietMarker', () => quietMarker)
      .replace('--@claim', () => claim)
      .replace('--@active', () => active),
    finish: read('./lua/finish-job-18.lua')
      .replace('--@fromLatin1', () => fromLatin1)
      .replace('--@claimNext', () => claimNext)
      .replace('--@quietMarker', () => quietMarker)
      .replace('--@write', () => read('../results/lua/write-result-3.lua'))
      .replace('--@claim', () => claim)
      .replace('--@finish', () => finish),
  };
}
