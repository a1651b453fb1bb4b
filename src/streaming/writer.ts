import type { RedisClient } from '../util/redis.js';
import type { Attempt } from '../ladder/result.js';
import type { DeltaData, RestartData } from './events.js';
import { StreamWriteBatch } from './write-batch.js';

type Pending =
  | { type: 'delta'; data: DeltaData }
  | { type: 'attempt'; data: Attempt }
  | { type: 'restart'; data: RestartData };

/** Joins a delta onto the one queued before it when both are text, or pieces of the same call. */
function merge(last: Pending | undefined, next: Pending): boolean {
  if (last?.type !== 'delta' || next.type !== 'delta') return false;
  const a = last.data;
  const b = next.data;
  if ('text' in a && 'text' in b) {
    last.data = { text: a.text + b.text };
    return true;
  }
  if ('tool_call' in a && 'tool_call' in b) {
    const same = a.tool_call.index === b.tool_call.index && !b.tool_call.id && !b.tool_call.name;
    if (!same) return false;
    last.data = {
      tool_call: { ...a.tool_call, arguments: a.tool_call.arguments + b.tool_call.arguments },
    };
    return true;
  }
  return false;
}

export interface StreamWriterOptions {
  redis: RedisClient;
  key: string;
  ttlSeconds: number;
  /** Told once when a write fails; the job goes on (its final record is written regardless). */
  onError?: (error: unknown) => void;
  /** Shared by the jobs of a process, so their writes of one event-loop turn go out together. */
  batch?: StreamWriteBatch;
}

/**
 * Appends a job's events to its Redis Stream without making the provider call wait: the first
 * event goes out with this event-loop turn's writes (StreamWriteBatch), and whatever arrives while
 * a write is in flight goes in the next one, adjacent deltas merged. One write in flight per job
 * keeps the order and bounds the entries by round trips rather than by tokens.
 */
export class JobStreamWriter {
  private pending: Pending[] = [];
  private inFlight: Promise<void> | null = null;
  private failed = false;
  private expirySet = false;
  private readonly batch: StreamWriteBatch;

  constructor(private readonly options: StreamWriterOptions) {
    this.batch = options.batch ?? new StreamWriteBatch(options.redis);
  }

  delta(data: DeltaData): void {
    this.push({ type: 'delta', data });
  }

  attempt(data: Attempt): void {
    this.push({ type: 'attempt', data });
  }

  restart(data: RestartData): void {
    this.push({ type: 'restart', data });
  }

  /** Resolves once everything appended so far is in Redis (or failed). */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private push(event: Pending): void {
    if (!merge(this.pending[this.pending.length - 1], event)) this.pending.push(event);
    this.inFlight ??= this.pump();
  }

  private async pump(): Promise<void> {
    const { key, ttlSeconds } = this.options;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        // The expiry goes with the writes until one has set it; the final record sets it again.
        const error = await this.batch.send(key, batch, this.expirySet ? null : ttlSeconds);
        if (error) this.fail(error);
        else this.expirySet = true;
      }
    } catch (error) {
      this.fail(error);
    } finally {
      this.inFlight = null;
    }
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.options.onError?.(error);
  }
}
