import { isRedisUnavailable } from '../util/redis-unavailable.js';
import type { BreakerAction } from '../breaker/types.js';
import { ALWAYS_AVAILABLE, type LevelAvailability } from '../levels/availability.js';
import { bullJobId } from '../jobs/bull-job-id.js';
import { loadDefinition, type LadderDefinition } from '../levels/definition.js';
import { createKeys, type Keys } from '../ladder/keys.js';
import { isFinal, type JobResult } from '../ladder/result.js';
import type { LevelAction } from '../ladder/literals.js';
import type { LadderState } from '../ladder/state.js';
import { pauseLevel, resumeLevel } from '../levels/operator-pause.js';
import { RedisResultStore } from '../results/redis-result-store.js';
import type { ResultStore } from '../results/result-store.js';
import { ResultWaiter } from '../results/result-waiter.js';
import { describeRedis, duplicateRedis } from '../util/redis.js';
import { isNotReplicatedError, LadderUnavailableError } from './errors.js';
import {
  catalogFromLevels,
  type EnqueueAndWaitOptions,
  type EnqueueAnswer,
  type EnqueueOptions,
  type LadderCatalog,
  type LadderOps,
  type ResultOptions,
} from './ladder-ops.js';
import { JobWriter } from './job-writer.js';
import type { RedisOpsOptions } from './redis-ops-options.js';
import { RecordedAdd } from './recorded-add.js';
import { prepareBatch, prepareOne, type PreparedJob } from './prepare-job.js';
import { queueKeyProblems } from './queue-key-types.js';
import { LevelQueues } from '../jobs/queues.js';
import { readLadderWithLimits } from './read-state.js';
import type { JobEvent } from '../streaming/events.js';
import type { EventsOptions } from '../streaming/reader.js';
import { openEventSource, type EventSource } from './event-source.js';

export type { RedisOpsOptions };

/** LadderOps over Redis: what `new LadderClient({ redis })` does under the hood. */
export class RedisLadderOps implements LadderOps {
  readonly keys: Keys;
  readonly results: ResultStore;
  private readonly waiter: ResultWaiter;
  private queues: LevelQueues | undefined;
  private definitionPromise: Promise<LadderDefinition> | undefined;
  private readonly now: () => number;
  private availability: LevelAvailability;
  /** Depth check, record and job, replica confirmation: the writes of every enqueue. */
  private readonly writer: JobWriter;
  /** Job event readers, opened on the first `events` call (one blocking connection for all). */
  private eventSource: EventSource | undefined;

  readonly report: LadderOps['report'];

  constructor(private readonly options: RedisOpsOptions) {
    this.report = options.report;
    this.keys = createKeys(options.prefix);
    this.results = new RedisResultStore(
      options.redis,
      this.keys,
      options.resultsTtlSeconds ?? 86_400,
    );
    const subscriber =
      options.subscriber ??
      duplicateRedis(options.redis, { enableOfflineQueue: true, maxRetriesPerRequest: null });
    if (!options.subscriber) (options.owned ??= []).push(subscriber);
    this.waiter = new ResultWaiter(subscriber, this.keys, this.results);
    this.now = options.now ?? Date.now;
    this.writer = new JobWriter({
      results: this.results,
      now: this.now,
      replicaWait: options.replicaWait,
      recordedAdd: RecordedAdd.open(options.redis, this.keys, options.resultsTtlSeconds ?? 86_400),
    });
    this.availability = options.availability ?? ALWAYS_AVAILABLE;
    if (options.definition) this.definitionPromise = Promise.resolve(options.definition);
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isNotReplicatedError(error)) throw error;
      if (isRedisUnavailable(error)) {
        throw new LadderUnavailableError(
          `${describeRedis(this.options.redis)} cannot be reached: nothing was enqueued; retry later`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  async definition(): Promise<LadderDefinition> {
    this.definitionPromise ??= loadDefinition(this.options.redis, this.keys).then((found) => {
      if (!found) {
        throw new LadderUnavailableError(
          `no ladder is published in Redis under prefix "${this.options.prefix}": start \`ladder start\`, \`ladder api\` or a worker with a config first, or give the client { config }`,
        );
      }
      return found;
    });
    try {
      return await this.definitionPromise;
    } catch (error) {
      this.definitionPromise = undefined;
      throw error;
    }
  }

  /** The level queues (for Bull Board); shares this client's connection. */
  async levelQueues(): Promise<LevelQueues> {
    if (!this.queues) {
      const definition = await this.definition();
      this.queues ??= new LevelQueues(
        this.options.redis,
        this.options.prefix,
        definition.levels,
        this.options.resultsTtlSeconds,
      );
    }
    return this.queues;
  }

  async enqueue(raw: unknown, options: EnqueueOptions = {}): Promise<EnqueueAnswer> {
    return this.guard(async () => {
      const { job, definition } = await this.prepare(raw, options);
      return this.writeOne(job, definition);
    });
  }

  async enqueueAndWait(
    raw: unknown,
    options: EnqueueAndWaitOptions,
  ): Promise<{ answer: EnqueueAnswer; record: JobResult | null }> {
    const { job, definition } = await this.guard(() => this.prepare(raw, options));
    let answer: EnqueueAnswer | undefined;
    // The wait watches the id before the job is written: a job this call creates cannot end
    // unannounced to it, so its record is not read back first (one HMGET less per request).
    const record = await this.guard(() =>
      this.waiter.wait(job.id, options.timeoutMs ?? 30_000, undefined, {
        before: async () => {
          answer = await this.guard(() => this.writeOne(job, definition));
          options.onEnqueued?.(answer);
          return { created: answer.created };
        },
      }),
    );
    if (!answer) throw new Error(`enqueue of ${job.id} answered nothing`);
    return {
      answer,
      record: record && !isFinal(record.status) ? await this.get(job.id) : record,
    };
  }

  /** Validation (throws JobValidationError before anything is written) against the definition. */
  private async prepare(
    raw: unknown,
    options: EnqueueOptions,
  ): Promise<{ job: PreparedJob; definition: LadderDefinition }> {
    const definition = await this.definition();
    const job = prepareOne(raw, {
      definition,
      availability: this.availability,
      nowMs: this.now(),
      prefer: options.prefer,
    });
    return { job, definition };
  }

  private async writeOne(job: PreparedJob, definition: LadderDefinition): Promise<EnqueueAnswer> {
    const queues = await this.levelQueues();
    await this.writer.checkDepth(job, definition, queues);
    const answer = await this.writer.write(job, queues, definition);
    await this.writer.confirm([job.id]);
    return answer;
  }

  async enqueueMany(raws: readonly unknown[]): Promise<EnqueueAnswer[]> {
    return this.guard(async () => {
      const definition = await this.definition();
      const jobs = prepareBatch(raws, {
        definition,
        availability: this.availability,
        nowMs: this.now(),
      });
      const queues = await this.levelQueues();
      for (const job of jobs) await this.writer.checkDepth(job, definition, queues);
      await this.writer.writeFresh(
        jobs.filter((j) => !j.idGiven),
        queues,
      );
      const given = await Promise.all(
        jobs.filter((j) => j.idGiven).map((j) => this.writer.write(j, queues, definition)),
      );
      await this.writer.confirm(jobs.map((j) => j.id));
      const answers = new Map(given.map((a) => [a.id, a]));
      return jobs.map((j) => answers.get(j.id) ?? this.writer.answer(j, j.record, true));
    });
  }

  async get(id: string): Promise<JobResult | null> {
    return this.guard(async () => {
      const record = await this.results.get(id);
      if (!record) return null;
      const definition = await this.definition().catch(() => undefined);
      const level = definition?.levels[record.level - 1];
      return level ? { ...record, level_name: level.name } : record;
    });
  }

  async result(id: string, options: ResultOptions = {}): Promise<JobResult | null> {
    return this.guard(async () => {
      const record = await this.waiter.wait(id, options.timeoutMs ?? 30_000);
      return record && !isFinal(record.status) ? this.get(id) : record;
    });
  }

  async cancel(id: string): Promise<JobResult | null> {
    return this.guard(async () => {
      const record = await this.get(id);
      if (!record || record.status !== 'queued') return record;
      const now = new Date(this.now()).toISOString();
      const cancelled: JobResult = {
        ...record,
        status: 'cancelled',
        error: { message: 'cancelled before it ran', class: 'caller' },
        timing: { ...record.timing, finished_at: now },
      };
      const written = await this.results.write(cancelled, { requireStatus: 'queued' });
      if (!written.written) return this.get(id);
      // The record is what stops the job; removing it from the queue only tidies Bull Board.
      const queues = await this.levelQueues();
      const job = await queues.queue(record.level_name).getJob(bullJobId(record.id));
      await job?.remove().catch(() => undefined);
      return this.get(id);
    });
  }

  async ladder(): Promise<LadderState> {
    return this.guard(async () => {
      const withLimits = await readLadderWithLimits({
        definition: await this.definition(),
        queues: await this.levelQueues(),
        breakers: this.options.breakers,
        availability: this.availability,
        now: this.now(),
        redis: this.options.redis,
        keys: this.keys,
      });
      return this.options.decorateState ? this.options.decorateState(withLimits) : withLimits;
    });
  }

  /** From the cached definition: no queue or breaker reads. */
  async catalog(): Promise<LadderCatalog> {
    return this.guard(async () => catalogFromLevels((await this.definition()).levels));
  }

  async breaker(target: string, action: BreakerAction): Promise<void> {
    if (!this.options.breakers) throw new Error('this client has no breaker access');
    await this.guard(() => this.options.breakers!.force(target, action));
  }

  async levelAction(ref: string, action: LevelAction): Promise<{ level: number; name: string }> {
    return this.guard(async () => {
      const { levels } = await this.definition();
      const level = levels.find((l) => l.name === ref || String(l.level) === ref);
      if (!level) throw new Error(`the ladder has no level ${JSON.stringify(ref)}`);
      const queue = (await this.levelQueues()).queue(level.name);
      const act = action === 'pause' ? pauseLevel : resumeLevel;
      await act({ redis: this.options.redis, keys: this.keys, queue });
      return { level: level.level, name: level.name };
    });
  }

  /** Which levels take new jobs (breakers, operator pauses, budgets); set once they are loaded. */
  useAvailability(availability: LevelAvailability): void {
    this.availability = availability;
  }

  /**
   * Level queue keys of the wrong type (a damaged queue that fails every job with WRONGTYPE), one
   * line each naming the key; empty when all is well.
   */
  async queueKeyProblems(): Promise<string[]> {
    const definition = await this.definition();
    return this.guard(() =>
      queueKeyProblems(
        this.options.redis,
        this.options.prefix,
        definition.levels.map((l) => l.name),
      ),
    );
  }

  /**
   * A job's events (deltas, attempts, restarts, then `final`), from `lastEventId` on. Rejects with
   * UnknownJobError or BadEventIdError before the first event.
   */
  async events(id: string, options: EventsOptions = {}): Promise<AsyncIterable<JobEvent>> {
    return this.guard(() => this.openEventSource().reader.events(id, options));
  }

  private openEventSource(): EventSource {
    this.eventSource ??= openEventSource({
      redis: this.options.redis,
      keys: this.keys,
      results: this.results,
      waiter: this.waiter,
      owned: (this.options.owned ??= []),
    });
    return this.eventSource;
  }

  /** Throws when Redis does not answer. */
  async ping(): Promise<void> {
    await this.guard(() => this.options.redis.ping());
  }

  async close(): Promise<void> {
    await this.options.onClose?.();
    await this.eventSource?.hub.close();
    await this.waiter.close();
    await this.queues?.close();
    for (const client of this.options.owned ?? []) client.disconnect();
    this.options.replicaWait?.close();
  }
}
