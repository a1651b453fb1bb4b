import type { RedisClient } from '../util/redis.js';
import type { Keys } from '../ladder/keys.js';
import type { JobResult, JobStatus } from '../ladder/result.js';
import { defineScript, runScript } from '../util/lua.js';
import type {
  ClaimAnswer,
  ResultStore,
  StreamEnd,
  WriteAnswer,
  WriteOptions,
} from './result-store.js';

const CLAIM = 'ladderClaimResult';
const WRITE = 'ladderWriteResult';
const RELEASE = 'ladderReleaseResult';

/** A Lua script's keys and arguments. */
export interface ScriptCall {
  keys: string[];
  args: (string | number)[];
}

/**
 * claim-result-1.lua's answer { created, status before, level before, json, held } as a
 * ClaimAnswer; null for { 0, '' }: no record, and none was sent.
 */
export function claimAnswer(reply: unknown): ClaimAnswer | null {
  const [created, status, levelBefore, json, held] = reply as [
    number,
    string,
    string?,
    string?,
    number?,
  ];
  if (status === '' || json === undefined) return null;
  return {
    held: held === 1,
    created: created === 1,
    status: status as JobStatus,
    level: Number(levelBefore),
    record: JSON.parse(json) as JobResult,
  };
}

/** write-result-3.lua's answer { written (1|0), status now } as a WriteAnswer. */
export function writeAnswer(reply: unknown): WriteAnswer {
  const [written, status] = reply as [number, string];
  return { written: written === 1, status: status === '' ? null : (status as JobStatus) };
}

/**
 * The result records in Redis, for `results.ttl`. All writes go through Lua so that a final record
 * is never overwritten and a stale re-run cannot move a job back up the ladder.
 */
export class RedisResultStore implements ResultStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly ttlSeconds: number,
  ) {
    defineScript(redis, CLAIM, new URL('./lua/claim-result-1.lua', import.meta.url));
    defineScript(redis, WRITE, new URL('./lua/write-result-3.lua', import.meta.url));
    defineScript(redis, RELEASE, new URL('./lua/release-result-2.lua', import.meta.url));
  }

  /**
   * Creates the record unless one exists; answers whichever record was there. With `activate`, a
   * worker also marks an existing non-final record at or above its level as active at its level.
   */
  async claim(record: JobResult, options: { activate?: boolean } = {}): Promise<ClaimAnswer> {
    const answer = await this.runClaim(record.id, record.level, record, options.activate === true);
    if (!answer) throw new Error(`claim of ${record.id} answered no record`);
    return answer;
  }

  async take(id: string, level: number, initial: () => JobResult): Promise<ClaimAnswer> {
    return (
      (await this.runClaim(id, level, null, true)) ??
      // No record: a raw producer's job. The second call creates it, or answers the record a
      // producer wrote in between.
      this.claim(initial(), { activate: true })
    );
  }

  /** claim-result-1.lua; null when there is no record and none was sent. */
  private async runClaim(
    id: string,
    level: number,
    record: JobResult | null,
    activate: boolean,
  ): Promise<ClaimAnswer | null> {
    const reply = await runScript(
      this.redis,
      CLAIM,
      [this.keys.result(id)],
      [
        record ? JSON.stringify(record) : '',
        record?.status ?? 'active',
        level,
        this.ttlSeconds,
        activate ? '1' : '0',
      ],
    );
    return claimAnswer(reply);
  }

  /**
   * What a claim made inside another script needs besides the id (claim-next.lua in src/workers):
   * the prefix of record keys (a record's key is the prefix and the id) and their TTL.
   */
  claimSpec(): { recordPrefix: string; ttlSeconds: number } {
    return { recordPrefix: this.keys.result(''), ttlSeconds: this.ttlSeconds };
  }

  /**
   * Writes the record; refused when the stored one is final, further down the ladder, or (with
   * `requireStatus`) not in that status. Answers whether it was written and the status now.
   */
  async write(record: JobResult, options: WriteOptions = {}): Promise<WriteAnswer> {
    const call = this.writeCall(record, options);
    return writeAnswer(await runScript(this.redis, WRITE, call.keys, call.args));
  }

  /**
   * The keys and arguments of write-result-3.lua for `write(record, options)`, for a caller that
   * runs the script inside another one (a worker's final record with BullMQ's completion).
   */
  writeCall(record: JobResult, options: WriteOptions = {}): ScriptCall {
    const key = this.keys.result(record.id);
    const cache = options.cache;
    return {
      keys: [key, cache?.key ?? key, options.stream?.key ?? key],
      args: [
        JSON.stringify(record),
        record.status,
        record.level,
        this.ttlSeconds,
        this.keys.resultsChannel(),
        record.id,
        options.requireStatus ?? '',
        cache?.json ?? '',
        cache?.ttlSeconds ?? 0,
        options.stream?.maxEvents ?? 0,
        options.hold ? '1' : '',
      ],
    };
  }

  /**
   * Makes a held final record the record and announces it (results channel, and the stream's
   * `final` event for a streamed job). Answers false when nothing was held (already released).
   */
  async release(id: string, stream?: StreamEnd): Promise<boolean> {
    const key = this.keys.result(id);
    const released = await runScript(
      this.redis,
      RELEASE,
      [key, stream?.key ?? key],
      [this.keys.resultsChannel(), id, stream?.maxEvents ?? 0, this.ttlSeconds],
    );
    return released === 1;
  }

  /** Only the status, for the cheap "has another run finished it?" check. */
  async status(id: string): Promise<JobStatus | null> {
    return (await this.redis.hget(this.keys.result(id), 'status')) as JobStatus | null;
  }

  /**
   * The record, with status and level from the hash fields, which claims update in place. An id
   * that names no record may be a raw producer's BullMQ id: then its alias is followed (once).
   */
  async get(id: string): Promise<JobResult | null> {
    const record = await this.read(id);
    if (record) return record;
    const to = await this.redis.get(this.keys.resultAlias(id));
    return to === null || to === id ? null : this.read(to);
  }

  /**
   * Makes `from` (a BullMQ id a raw producer chose) find the record of `to`, for as long as results
   * are kept, and wakes anyone already waiting on `from`.
   */
  async alias(from: string, to: string): Promise<void> {
    await this.redis
      .multi()
      .set(this.keys.resultAlias(from), to, 'EX', this.ttlSeconds)
      .publish(this.keys.resultsChannel(), from)
      .exec();
  }

  private async read(id: string): Promise<JobResult | null> {
    const [status, level, json] = await this.redis.hmget(
      this.keys.result(id),
      'status',
      'level',
      'json',
    );
    if (json === null || json === undefined) return null;
    const record = JSON.parse(json) as JobResult;
    if (status) record.status = status as JobStatus;
    if (level) record.level = Number(level);
    return record;
  }

  async delete(id: string): Promise<void> {
    await this.redis.del(this.keys.result(id));
  }
}
