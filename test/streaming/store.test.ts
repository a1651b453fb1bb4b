import { describe, expect, it } from 'vitest';
import { isBadEventIdError, isUnknownJobError } from '../../src/streaming/errors.js';
import type { JobEvent } from '../../src/streaming/events.js';
import { JobStreamSession, readAnswerSoFar } from '../../src/streaming/session.js';
import { collect } from './events.js';
import { redisEvents } from './redis-events.js';

const s = redisEvents('job');
const { newJob, finish, record } = s;
let plain = 0;

const textOf = (list: JobEvent[]): string =>
  list.map((e) => (e.type === 'delta' && 'text' in e.data ? e.data.text : '')).join('');

describe('job event stream in Redis', () => {
  it('delivers live deltas to a reader that joined first, then final with the record', async () => {
    const { id, session } = await newJob();
    const reading = collect(await s.events.events(id));
    session.begin({ level: 1 }, { canContinue: false });
    for (const word of ['Hello ', 'streaming ', 'world.'])
      session.delta({ kind: 'text', text: word });
    await session.flush();
    await finish(id, 'Hello streaming world.');
    const got = await reading;
    expect(textOf(got)).toBe('Hello streaming world.');
    expect(got[got.length - 1]).toMatchObject({ type: 'final', data: { status: 'completed' } });
    expect(new Set(got.map((e) => e.id)).size).toBe(got.length);
  });

  it('reads no record for a stream the request just created when its final event ends it', async () => {
    const { id, session } = await newJob();
    const reads = s.reads;
    const reading = collect(await s.events.events(id, { created: true }));
    session.begin({ level: 1 }, { canContinue: false });
    session.delta({ kind: 'text', text: 'Hi.' });
    await session.flush();
    await finish(id, 'Hi.');
    expect(textOf(await reading)).toBe('Hi.');
    expect(s.reads).toBe(reads);
  });

  it('replays a finished job, and resumes after any Last-Event-ID without loss or repeat', async () => {
    const { id, session } = await newJob();
    session.begin({ level: 1 }, { canContinue: false });
    for (let i = 0; i < 20; i++) {
      session.delta({ kind: 'text', text: `${i} ` });
      await session.flush();
    }
    await finish(id, 'x');
    const all = await collect(await s.events.events(id));
    for (let cut = 0; cut < all.length - 1; cut++) {
      const lastEventId = all[cut]?.id;
      const rest = await collect(await s.events.events(id, { lastEventId }));
      expect(rest.map((e) => e.id)).toEqual(all.slice(cut + 1).map((e) => e.id));
    }
  });

  it('restarts once, lazily, before the next attempt’s first piece; a continuation keeps the text', async () => {
    const { id, session } = await newJob();
    session.begin({ level: 1, provider: 'a', model: 'm' }, { canContinue: false });
    session.delta({ kind: 'text', text: 'Partial ans' });
    // The next target fails before sending anything: no restart yet.
    session.begin({ level: 1, provider: 'b', model: 'm' }, { canContinue: true });
    const { prefill } = session.begin(
      { level: 2, provider: 'c', model: 'm' },
      { canContinue: true },
    );
    expect(prefill).toBe('Partial ans');
    session.delta({ kind: 'text', text: 'wer.' });
    await session.flush();
    expect(session.text).toBe('Partial answer.');
    await finish(id, session.text);
    const got = await collect(await s.events.events(id));
    const restarts = got.filter((e) => e.type === 'restart');
    expect(restarts.map((e) => e.data)).toEqual([
      { level: 2, provider: 'c', model: 'm', continues: true, kept_chars: 11, sent_chars: 11 },
    ]);
    const afterRestart = got.slice(got.findIndex((e) => e.type === 'restart') + 1);
    expect(textOf(afterRestart)).toBe('Partial answer.');
    const again = await JobStreamSession.open({
      redis: s.redis,
      key: s.keys.jobStream(id),
      ttlSeconds: 60,
    });
    expect(again.text).toBe('Partial answer.');
    expect((await readAnswerSoFar(s.redis, s.keys.jobStream(id))).chars).toBe(15);
  });

  it('ends a job without a stream with its trail and final, ids r-<n> that resume too', async () => {
    plain += 1;
    const id = `plain-${plain}`;
    await s.results.claim(record(id));
    const reading = collect(await s.events.events(id));
    await s.results.write({
      ...record(id, 'completed'),
      attempts: [{ level: 1, outcome: 'ok', at: new Date().toISOString() }],
    });
    const got = await reading;
    expect(got.map((e) => [e.id, e.type])).toEqual([
      ['r-0', 'attempt'],
      ['r-1', 'final'],
    ]);
    const rest = await collect(await s.events.events(id, { lastEventId: 'r-0' }));
    expect(rest.map((e) => e.id)).toEqual(['r-1']);
  });

  it('refuses an unknown job and a Last-Event-ID that is not one of its ids', async () => {
    await expect(s.events.events('no-such-job')).rejects.toSatisfy(isUnknownJobError);
    const { id, session } = await newJob();
    session.begin({ level: 1 }, { canContinue: false });
    session.delta({ kind: 'text', text: 'a' });
    await session.flush();
    await expect(s.events.events(id, { lastEventId: 'garbage' })).rejects.toSatisfy(
      isBadEventIdError,
    );
    await expect(s.events.events(id, { lastEventId: '1-0' })).rejects.toSatisfy(isBadEventIdError);
  });

  it('stops reading when the reader goes away, leaving the stream to the writer', async () => {
    const { id, session } = await newJob();
    const controller = new AbortController();
    const iterator = (await s.events.events(id, { signal: controller.signal }))[
      Symbol.asyncIterator
    ]();
    session.begin({ level: 1 }, { canContinue: false });
    session.delta({ kind: 'text', text: 'one' });
    expect((await iterator.next()).value).toMatchObject({ type: 'delta' });
    controller.abort();
    expect((await iterator.next()).done).toBe(true);
    session.delta({ kind: 'text', text: ' two' });
    await session.flush();
    expect(await s.redis.xlen(s.keys.jobStream(id))).toBe(2);
  });
});
