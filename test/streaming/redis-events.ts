import { Redis } from 'ioredis';
import { afterAll, beforeAll, inject } from 'vitest';
import { createKeys, type Keys } from '../../src/ladder/keys.js';
import type { JobResult } from '../../src/ladder/result.js';
import { RedisResultStore } from '../../src/results/redis-result-store.js';
import type { ResultStore } from '../../src/results/result-store.js';
import { ResultWaiter } from '../../src/results/result-waiter.js';
import { MAX_STREAM_EVENTS } from '../../src/streaming/events.js';
import { StreamHub } from '../../src/streaming/hub.js';
import { RedisJobEvents } from '../../src/streaming/reader.js';
import { JobStreamSession } from '../../src/streaming/session.js';
import { testPrefix } from '../helpers/ladder.js';

/** One process's job event streams over the test Redis, as a file's tests use them. */
export interface RedisEvents {
  redis: Redis;
  keys: Keys;
  results: ResultStore;
  /** Readers, all on one hub (one blocking XREAD), as in an API process. */
  events: RedisJobEvents;
  record: (id: string, status?: JobResult['status']) => JobResult;
  /** A job with a claimed record and its stream's session (begun at level 1 with `begin`). */
  newJob: (options?: { begin?: boolean }) => Promise<{ id: string; session: JobStreamSession }>;
  /** Writes the completed record with `text`, and with it the stream's `final` event. */
  finish: (id: string, text: string) => Promise<void>;
  /** Records read so far (`results.get`), by readers and their record watches. */
  readonly reads: number;
}

/** The real store, counting its record reads. */
class CountingStore extends RedisResultStore {
  reads = 0;
  override async get(id: string): Promise<JobResult | null> {
    this.reads += 1;
    return super.get(id);
  }
}

/** Opens the connections before the file's tests (beforeAll) and closes them after (afterAll). */
export function redisEvents(name: string): RedisEvents {
  let redis: Redis;
  let blocking: Redis;
  let subscriber: Redis;
  let keys: Keys;
  let results: CountingStore;
  let hub: StreamHub;
  let events: RedisJobEvents;
  let n = 0;

  beforeAll(() => {
    const url = inject('redisUrl');
    redis = new Redis(url);
    blocking = new Redis(url);
    subscriber = new Redis(url);
    keys = createKeys(testPrefix());
    results = new CountingStore(redis, keys, 60);
    hub = new StreamHub(blocking, redis);
    events = new RedisJobEvents({
      redis,
      hub,
      keys,
      results,
      waiter: new ResultWaiter(subscriber, keys, results),
    });
  });
  afterAll(async () => {
    await hub.close();
    for (const c of [redis, blocking, subscriber]) c.disconnect();
  });

  const record = (id: string, status: JobResult['status'] = 'active'): JobResult => ({
    id,
    status,
    level: 1,
    level_name: 'full',
    entry_level: 1,
    floor: 3,
    attempts: [],
    timing: { enqueued_at: new Date().toISOString() },
  });

  return {
    get redis() {
      return redis;
    },
    get keys() {
      return keys;
    },
    get results() {
      return results;
    },
    get events() {
      return events;
    },
    get reads() {
      return results.reads;
    },
    record,
    newJob: async (options = {}) => {
      n += 1;
      const id = `${name}-${n}`;
      await results.claim(record(id));
      const key = keys.jobStream(id);
      const session = await JobStreamSession.open({ redis, key, ttlSeconds: 60 });
      if (options.begin) session.begin({ level: 1 }, { canContinue: false });
      return { id, session };
    },
    finish: async (id, text) => {
      const done: JobResult = {
        ...record(id, 'completed'),
        output: { text, tool_calls: [], stop_reason: 'end_turn', raw_stop_reason: 'end_turn' },
      };
      await results.write(done, {
        stream: { key: keys.jobStream(id), maxEvents: MAX_STREAM_EVENTS },
      });
    },
  };
}
