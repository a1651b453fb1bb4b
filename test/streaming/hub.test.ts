import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import { createKeys, type Keys } from '../../src/ladder/keys.js';
import type { JobResult } from '../../src/ladder/result.js';
import { RedisResultStore } from '../../src/results/redis-result-store.js';
import type { ResultStore } from '../../src/results/result-store.js';
import { ResultWaiter } from '../../src/results/result-waiter.js';
import { MAX_STREAM_EVENTS, type JobEvent } from '../../src/streaming/events.js';
import { StreamHub } from '../../src/streaming/hub.js';
import { RedisJobEvents } from '../../src/streaming/reader.js';
import { JobStreamSession, readAnswerSoFar } from '../../src/streaming/session.js';
import { StreamWriteBatch } from '../../src/streaming/write-batch.js';
import { testPrefix } from '../helpers/ladder.js';
import { answerText } from './events.js';

/**
 * Many readers of one process share one blocking XREAD (the hub). None may wait on another: a
 * reader that joins while the hub is blocked on quiet streams gets its pieces, and readers that
 * join together all get theirs.
 */

let redis: Redis;
let blocking: Redis;
let subscriber: Redis;
let keys: Keys;
let results: ResultStore;
let hub: StreamHub;
let events: RedisJobEvents;

beforeAll(() => {
  const url = inject('redisUrl');
  redis = new Redis(url);
  blocking = new Redis(url);
  subscriber = new Redis(url);
  keys = createKeys(testPrefix());
  results = new RedisResultStore(redis, keys, 60);
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

let n = 0;
function record(id: string, status: JobResult['status'] = 'queued'): JobResult {
  return {
    id,
    status,
    level: 1,
    level_name: 'full',
    entry_level: 1,
    floor: 1,
    attempts: [],
    timing: { enqueued_at: new Date().toISOString() },
  };
}

async function newJob(): Promise<{ id: string; session: JobStreamSession }> {
  n += 1;
  const id = `hub-${n}`;
  await results.claim(record(id));
  const session = await JobStreamSession.open({ redis, key: keys.jobStream(id), ttlSeconds: 60 });
  session.begin({ level: 1 }, { canContinue: false });
  return { id, session };
}

async function finish(id: string, text: string): Promise<void> {
  await results.write(
    {
      ...record(id, 'completed'),
      output: { text, tool_calls: [], stop_reason: 'end_turn', raw_stop_reason: 'end_turn' },
    },
    { stream: { key: keys.jobStream(id), maxEvents: MAX_STREAM_EVENTS } },
  );
}

/** Reads in the background, keeping what came so far. */
function reader(iterable: AsyncIterable<JobEvent>): { got: JobEvent[]; done: Promise<void> } {
  const got: JobEvent[] = [];
  const done = (async () => {
    for await (const event of iterable) got.push(event);
  })();
  return { got, done };
}

describe('the stream hub with many readers', () => {
  it('gets a reader that joins while the hub blocks on quiet streams its piece, one after another', async () => {
    const jobs: Array<{ id: string; session: JobStreamSession; read: ReturnType<typeof reader> }> =
      [];
    for (let i = 0; i < 12; i++) {
      const job = await newJob();
      // Every earlier stream stays quiet: only an interrupted XREAD can see this one's piece.
      const read = reader(await events.events(job.id, { created: true }));
      job.session.delta({ kind: 'text', text: `piece ${i}` });
      await vi.waitFor(() => expect(answerText(read.got)).toBe(`piece ${i}`));
      jobs.push({ ...job, read });
    }
    await Promise.all(jobs.map((job, i) => finish(job.id, `piece ${i}`)));
    await Promise.all(jobs.map((job) => job.read.done));
    for (const [i, job] of jobs.entries()) {
      expect(job.read.got.map((e) => e.type)).toEqual(['delta', 'final']);
      expect(answerText(job.read.got)).toBe(`piece ${i}`);
    }
  });

  it('gets every reader of a burst that joins at once all of its pieces, in order, once', async () => {
    const jobs = await Promise.all(Array.from({ length: 40 }, () => newJob()));
    const reads = await Promise.all(
      jobs.map(async (job) => reader(await events.events(job.id, { created: true }))),
    );
    const words = ['one ', 'two ', 'three'];
    for (const word of words)
      for (const job of jobs) job.session.delta({ kind: 'text', text: word });
    await Promise.all(jobs.map((job) => job.session.flush()));
    await Promise.all(jobs.map((job) => finish(job.id, words.join(''))));
    await Promise.all(reads.map((read) => read.done));
    for (const read of reads) {
      expect(answerText(read.got)).toBe('one two three');
      expect(read.got[read.got.length - 1]?.type).toBe('final');
      expect(new Set(read.got.map((e) => e.id)).size).toBe(read.got.length);
    }
  });

  it('reads a created job from its stream’s start, pieces written before the reader came included', async () => {
    const { id, session } = await newJob();
    for (const word of ['early ', 'pieces ', 'kept']) {
      session.delta({ kind: 'text', text: word });
      await session.flush();
    }
    const read = reader(await events.events(id, { created: true }));
    await finish(id, 'early pieces kept');
    await read.done;
    expect(answerText(read.got)).toBe('early pieces kept');
    expect(read.got.filter((e) => e.type === 'final')).toHaveLength(1);
  });
});

describe('stream writes shared by the jobs of a process', () => {
  it('keeps every job’s pieces whole and in order, and sets each stream’s expiry', async () => {
    const batch = new StreamWriteBatch(redis);
    const sessions = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const key = keys.jobStream(`batched-${n}-${i}`);
        const session = await JobStreamSession.open({ redis, key, ttlSeconds: 60, batch });
        session.begin({ level: 1 }, { canContinue: false });
        return { key, session };
      }),
    );
    n += 1;
    for (let word = 0; word < 20; word++) {
      for (const [i, { session }] of sessions.entries()) {
        session.delta({ kind: 'text', text: `${i}.${word} ` });
        // Some jobs wait for their write now and then, so batches mix fresh and queued pieces.
        if ((word + i) % 7 === 0) await session.flush();
      }
    }
    await Promise.all(sessions.map(({ session }) => session.flush()));
    for (const [i, { key }] of sessions.entries()) {
      const answer = await readAnswerSoFar(redis, key);
      expect(answer.text).toBe(Array.from({ length: 20 }, (_, w) => `${i}.${w} `).join(''));
      expect(await redis.ttl(key)).toBeGreaterThan(0);
    }
  });
});
