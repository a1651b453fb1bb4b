import { isFinal, type JobResult, type JobStatus } from '../ladder/result.js';
import type {
  CacheWrite,
  ClaimAnswer,
  ResultStore,
  StreamEnd,
  WriteAnswer,
  WriteOptions,
} from './result-store.js';

interface Entry {
  /** Status and level are kept apart from the record, as the Redis hash keeps them in fields. */
  status: JobStatus | null;
  level: number;
  record: JobResult | null;
  held?: { status: JobStatus; level: number; record: JobResult };
}

const copy = (record: JobResult): JobResult => structuredClone(record);

/**
 * The result records in this process, with the Lua scripts' rules (claim-result-1,
 * write-result-3, release-result-2) in plain code: for unit tests of the core loop without Redis.
 * What Redis would announce or write beside the record is kept in lists a test can read.
 */
export class MemoryResultStore implements ResultStore {
  private readonly entries = new Map<string, Entry>();
  private readonly aliases = new Map<string, string>();
  /** Ids announced on the results channel, in order. */
  readonly announced: string[] = [];
  /** Response-cache entries written with a final record. */
  readonly cacheWrites: CacheWrite[] = [];
  /** Final records appended to a streamed job's events (the stream's key and the record). */
  readonly streamFinals: { key: string; record: JobResult }[] = [];

  async take(id: string, level: number, initial: () => JobResult): Promise<ClaimAnswer> {
    // As claim-result-1.lua: the record is built only when there is none.
    return this.claimExisting(id, level, true) ?? this.claim(initial(), { activate: true });
  }

  async claim(record: JobResult, options: { activate?: boolean } = {}): Promise<ClaimAnswer> {
    const existing = this.claimExisting(record.id, record.level, options.activate === true);
    if (existing) return existing;
    this.entries.set(record.id, {
      status: record.status,
      level: record.level,
      record: copy(record),
    });
    return {
      created: true,
      status: record.status,
      level: record.level,
      record: copy(record),
      held: false,
    };
  }

  private claimExisting(id: string, level: number, activate: boolean): ClaimAnswer | null {
    const entry = this.entries.get(id);
    if (entry?.held) {
      const { held } = entry;
      return {
        created: false,
        status: held.status,
        level: held.level,
        record: copy(held.record),
        held: true,
      };
    }
    if (entry?.status && entry.record) {
      const before = { status: entry.status, level: entry.level };
      if (activate && !isFinal(entry.status) && entry.level <= level) {
        entry.status = 'active';
        entry.level = level;
      }
      return { created: false, ...before, record: copy(entry.record), held: false };
    }
    return null;
  }

  async write(record: JobResult, options: WriteOptions = {}): Promise<WriteAnswer> {
    const entry = this.entries.get(record.id);
    if (entry?.held) return { written: false, status: entry.held.status };
    if (entry?.status) {
      if (isFinal(entry.status)) return { written: false, status: entry.status };
      if (options.requireStatus && entry.status !== options.requireStatus)
        return { written: false, status: entry.status };
      if (entry.level > record.level) return { written: false, status: entry.status };
    } else if (options.requireStatus) {
      return { written: false, status: null };
    }
    const final = isFinal(record.status);
    const next = { status: record.status, level: record.level, record: copy(record) };
    if (options.hold && final) {
      if (entry) entry.held = next;
      // Like the Lua script: a held first write leaves nothing for readers until it is released.
      else
        this.entries.set(record.id, {
          status: null,
          level: record.level,
          record: null,
          held: next,
        });
    } else {
      this.entries.set(record.id, next);
    }
    if (options.cache) this.cacheWrites.push(options.cache);
    if (options.hold && final) return { written: true, status: record.status };
    if (final) this.announce(record, options.stream);
    return { written: true, status: record.status };
  }

  async release(id: string, stream?: StreamEnd): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry?.held) return false;
    const { held } = entry;
    this.entries.set(id, { status: held.status, level: held.level, record: held.record });
    this.announce(held.record, stream);
    return true;
  }

  async status(id: string): Promise<JobStatus | null> {
    return this.entries.get(id)?.status ?? null;
  }

  async get(id: string): Promise<JobResult | null> {
    const own = this.read(id);
    if (own) return own;
    const to = this.aliases.get(id);
    return to === undefined || to === id ? null : this.read(to);
  }

  async alias(from: string, to: string): Promise<void> {
    this.aliases.set(from, to);
    this.announced.push(from);
  }

  async delete(id: string): Promise<void> {
    this.entries.delete(id);
  }

  private read(id: string): JobResult | null {
    const entry = this.entries.get(id);
    if (!entry?.status || !entry.record) return null;
    return { ...copy(entry.record), status: entry.status, level: entry.level };
  }

  private announce(record: JobResult, stream: StreamEnd | undefined): void {
    if (stream) this.streamFinals.push({ key: stream.key, record: copy(record) });
    this.announced.push(record.id);
  }
}
