import { describe, expect, it, vi } from 'vitest';
import type { JobEvent } from '../../src/streaming/events.js';
import { JobStreamSession, readAnswerSoFar } from '../../src/streaming/session.js';
import { StreamWriteBatch } from '../../src/streaming/write-batch.js';
import { answerText } from './events.js';
import { redisEvents } from './redis-events.js';

/**
 * Many readers of one process share one blocking XREAD (the hub). None may wait on another: a
 * reader that joins while the hub is blocked on quiet streams gets its pieces, and readers that
 * join together all get theirs.
 */

const s = redisEvents('hub');
const { finish } = s;
const newJob = (): ReturnType<typeof s.newJob> => s.newJob({ begin: true });

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
      const read = reader(await s.events.events(job.id, { created: true }));
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
      jobs.map(async (job) => reader(await s.events.events(job.id, { created: true }))),
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
    const read = reader(await s.events.events(id, { created: true }));
    await finish(id, 'early pieces kept');
    await read.done;
    expect(answerText(read.got)).toBe('early pieces kept');
    expect(read.got.filter((e) => e.type === 'final')).toHaveLength(1);
  });
});

describe('stream writes shared by the jobs of a process', () => {
  it('keeps every job’s pieces whole and in order, and sets each stream’s expiry', async () => {
    const batch = new StreamWriteBatch(s.redis);
    const sessions = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const key = s.keys.jobStream(`batched-${i}`);
        const session = await JobStreamSession.open({ redis: s.redis, key, ttlSeconds: 60, batch });
        session.begin({ level: 1 }, { canContinue: false });
        return { key, session };
      }),
    );
    for (let word = 0; word < 20; word++) {
      for (const [i, { session }] of sessions.entries()) {
        session.delta({ kind: 'text', text: `${i}.${word} ` });
        // Some jobs wait for their write now and then, so batches mix fresh and queued pieces.
        if ((word + i) % 7 === 0) await session.flush();
      }
    }
    await Promise.all(sessions.map(({ session }) => session.flush()));
    for (const [i, { key }] of sessions.entries()) {
      const answer = await readAnswerSoFar(s.redis, key);
      expect(answer.text).toBe(Array.from({ length: 20 }, (_, w) => `${i}.${w} `).join(''));
      expect(await s.redis.ttl(key)).toBeGreaterThan(0);
    }
  });
});
