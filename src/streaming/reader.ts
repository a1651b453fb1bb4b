import type { RedisClient } from '../util/redis.js';
import type { Keys } from '../ladder/keys.js';
import { isFinal, type JobResult } from '../ladder/result.js';
import type { ResultStore } from '../results/result-store.js';
import type { ResultWaiter } from '../results/result-waiter.js';
import { BadEventIdError, UnknownJobError } from './errors.js';
import { parseEntry, RECORD_ID, STREAM_ID, type JobEvent } from './events.js';
import type { StreamEntry, StreamHub } from './hub.js';

export interface EventsOptions {
  /** Resume after this event (SSE `Last-Event-ID`). */
  lastEventId?: string;
  /** Stops the iteration (the reader went away). */
  signal?: AbortSignal;
  /**
   * The caller has just created the job (its enqueue answered `created: true`), under this id:
   * the record is known to exist, so the reader skips looking it up and goes straight to the
   * stream, from its start. Saves round trips before a streamed answer's first piece.
   */
  created?: boolean;
}

/** Where events come from, over Redis or HTTP (`LadderClient.stream`, the SSE route). */
export interface JobEventSource {
  /** Rejects with UnknownJobError or BadEventIdError before the first event. */
  events(id: string, options?: EventsOptions): Promise<AsyncIterable<JobEvent>>;
}

/** A record-only job's waits are sliced so a forgotten reader cannot pin a timer for ever. */
const WAIT_SLICE_MS = 3_600_000;
/**
 * A stream the request has just created watches its record without reading it first: its final
 * event (or the record's announcement) nearly always comes before this; the read only catches a
 * job that ended, with no final event, before the watch began.
 */
const CREATED_READ_AFTER_MS = 1_000;

/** Events made up from the record, for jobs whose stream has no final event (or no stream). */
function recordEvents(record: JobResult, withAttempts: boolean, afterIndex: number): JobEvent[] {
  const events: JobEvent[] = [];
  if (withAttempts) {
    record.attempts.forEach((attempt, i) =>
      events.push({ id: `r-${i}`, type: 'attempt', data: attempt }),
    );
  }
  events.push({ id: `r-${record.attempts.length}`, type: 'final', data: record });
  return events.filter((e) => Number(e.id.slice(2)) > afterIndex);
}

function parseAll(entries: StreamEntry[]): JobEvent[] {
  const events: JobEvent[] = [];
  for (const [id, fields] of entries) {
    const event = parseEntry(id, fields);
    if (event) events.push(event);
  }
  return events;
}

export interface RedisJobEventsOptions {
  redis: RedisClient;
  hub: StreamHub;
  keys: Keys;
  results: ResultStore;
  waiter: ResultWaiter;
}

/**
 * A job's events from its Redis Stream: what is there (from `Last-Event-ID` on), then live ones
 * until `final`. A job without a stream (not streamed, or finished outside a worker: cancelled)
 * ends with events made up from its record, with ids `r-<n>` that resume the same way.
 */
export class RedisJobEvents implements JobEventSource {
  constructor(private readonly options: RedisJobEventsOptions) {}

  async events(id: string, options: EventsOptions = {}): Promise<AsyncIterable<JobEvent>> {
    const { results, keys, redis } = this.options;
    if (options.created === true && !options.lastEventId) {
      return this.iterate(id, keys.jobStream(id), null, options.signal, false);
    }
    const record = await results.get(id);
    if (!record) throw new UnknownJobError(id);
    // The record's own id: a raw producer's BullMQ id finds it through its alias.
    const key = keys.jobStream(record.id);
    const last = options.lastEventId;
    if (last === undefined || last === '') return this.iterate(id, key, null, options.signal);
    if (RECORD_ID.test(last)) {
      return this.fromRecord(id, Number(last.slice(2)), options.signal);
    }
    if (!STREAM_ID.test(last)) throw new BadEventIdError(id, last);
    const found = await redis.xrange(key, last, last, 'COUNT', 1);
    if (found.length === 0) throw new BadEventIdError(id, last);
    return this.iterate(id, key, last, options.signal);
  }

  private async finalRecord(
    id: string,
    signal: AbortSignal | undefined,
    created = false,
  ): Promise<JobResult | null> {
    for (let first = true; ; first = false) {
      const readAfterMs = created && first ? CREATED_READ_AFTER_MS : 0;
      const record = await this.options.waiter.wait(id, WAIT_SLICE_MS, signal, { readAfterMs });
      if (!record || isFinal(record.status) || signal?.aborted) return record;
    }
  }

  private async *fromRecord(
    id: string,
    afterIndex: number,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<JobEvent> {
    const record = await this.finalRecord(id, signal);
    if (!record || !isFinal(record.status)) return;
    yield* recordEvents(record, true, afterIndex);
  }

  private async *iterate(
    id: string,
    key: string,
    after: string | null,
    signal: AbortSignal | undefined,
    /** Read what is there first; without, the hub delivers it (a stream that has just begun). */
    catchUp = true,
  ): AsyncGenerator<JobEvent> {
    const { redis, hub } = this.options;
    let lastId = after;
    const range = async (): Promise<JobEvent[]> =>
      parseAll(await redis.xrange(key, lastId ? `(${lastId}` : '-', '+'));

    const queue: JobEvent[] = catchUp ? await range() : [];
    let notify: (() => void) | null = null;
    let recordDone = false;
    const ping = (): void => {
      notify?.();
      notify = null;
    };
    const lastQueued = queue[queue.length - 1]?.id ?? after ?? '0';
    const unsubscribe = hub.subscribe(key, lastQueued, (entries) => {
      queue.push(...parseAll(entries));
      ping();
    });
    const stop = new AbortController();
    const onAbort = (): void => ping();
    signal?.addEventListener('abort', onAbort, { once: true });
    const watching = AbortSignal.any([stop.signal, ...(signal ? [signal] : [])]);
    // A stream that has just begun (no catch-up) is one the request just created.
    void this.finalRecord(id, watching, !catchUp).then(
      (record) => {
        if (record && isFinal(record.status)) recordDone = true;
        ping();
      },
      () => ping(),
    );
    try {
      for (;;) {
        for (let event = queue.shift(); event; event = queue.shift()) {
          if (signal?.aborted) return;
          lastId = event.id;
          yield event;
          if (event.type === 'final') return;
        }
        if (signal?.aborted) return;
        if (recordDone) {
          // The final event is written with the record; without one the job ended elsewhere.
          const rest = await range();
          for (const event of rest) {
            lastId = event.id;
            yield event;
            if (event.type === 'final') return;
          }
          const record = await this.options.results.get(id);
          if (record) yield* recordEvents(record, lastId === null, -1);
          return;
        }
        await new Promise<void>((resolve) => (notify = resolve));
      }
    } finally {
      unsubscribe();
      stop.abort();
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
