import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createKeys } from '../../src/ladder/keys.js';
import type { JobResult, JobStatus } from '../../src/ladder/result.js';
import { MemoryResultStore } from '../../src/results/memory-result-store.js';
import { RedisResultStore } from '../../src/results/redis-result-store.js';
import type { ResultStore } from '../../src/results/result-store.js';
import { testPrefix } from '../helpers/ladder.js';

let redis: Redis;
beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
});
afterAll(() => redis.disconnect());

let n = 0;
function record(status: JobStatus, level: number, id = `job-${++n}`): JobResult {
  return {
    id,
    status,
    level,
    level_name: `l${level}`,
    entry_level: 1,
    floor: 3,
    attempts: [],
    timing: { enqueued_at: '2026-01-01T00:00:00.000Z' },
  };
}

/** The in-memory store stands in for Redis in unit tests only if it answers as the Lua does. */
describe.each([
  ['redis', (): ResultStore => new RedisResultStore(redis, createKeys(testPrefix()), 60)],
  ['memory', (): ResultStore => new MemoryResultStore()],
])('%s result store', (_name, open) => {
  it('claims once; activate takes up a non-final record at or above the level', async () => {
    const store = open();
    const first = record('queued', 1);
    expect(await store.claim(first)).toMatchObject({ created: true, status: 'queued', level: 1 });
    const again = await store.claim({ ...first, status: 'active', level: 2 }, { activate: true });
    expect(again).toMatchObject({ created: false, status: 'queued', level: 1, held: false });
    expect(await store.get(first.id)).toMatchObject({ status: 'active', level: 2 });
    // A stale copy further up does not take it back.
    await store.claim({ ...first, status: 'active', level: 1 }, { activate: true });
    expect(await store.status(first.id)).toBe('active');
    expect((await store.get(first.id))?.level).toBe(2);
  });

  it('take builds the record only when none exists, and activates one that does', async () => {
    const store = open();
    const made = record('queued', 1);
    let built = 0;
    const initial = (): JobResult => {
      built++;
      return { ...made, status: 'active' };
    };
    expect(await store.take(made.id, 1, initial)).toMatchObject({
      created: true,
      status: 'active',
      level: 1,
      held: false,
      record: { id: made.id, status: 'active' },
    });
    expect(built).toBe(1);
    const other = record('queued', 1);
    await store.claim(other);
    expect(await store.take(other.id, 2, initial)).toMatchObject({
      created: false,
      status: 'queued',
      level: 1,
      record: other,
    });
    expect(built).toBe(1);
    expect(await store.get(other.id)).toMatchObject({ status: 'active', level: 2 });
    // A stale copy further up neither takes it back nor creates anything.
    expect(await store.take(other.id, 1, initial)).toMatchObject({ status: 'active', level: 2 });
    expect((await store.get(other.id))?.level).toBe(2);
    expect(built).toBe(1);
  });

  it('never overwrites a final record, nor lets a writer above the record write', async () => {
    const store = open();
    const r = record('active', 2);
    await store.claim(r);
    expect(await store.write({ ...r, status: 'queued', level: 1 })).toEqual({
      written: false,
      status: 'active',
    });
    expect(
      await store.write({ ...r, status: 'queued', level: 3 }, { requireStatus: 'queued' }),
    ).toEqual({ written: false, status: 'active' });
    expect(await store.write({ ...r, status: 'completed', level: 2 })).toEqual({
      written: true,
      status: 'completed',
    });
    expect(await store.write({ ...r, status: 'failed', level: 3 })).toEqual({
      written: false,
      status: 'completed',
    });
    expect(await store.write(record('queued', 1), { requireStatus: 'active' })).toEqual({
      written: false,
      status: null,
    });
  });

  it('holds a final record until released: claims see it, readers do not', async () => {
    const store = open();
    const r = record('active', 1);
    await store.claim(r);
    expect(await store.write({ ...r, status: 'completed' }, { hold: true })).toEqual({
      written: true,
      status: 'completed',
    });
    expect(await store.status(r.id)).toBe('active');
    expect(await store.write({ ...r, status: 'failed' })).toEqual({
      written: false,
      status: 'completed',
    });
    expect(await store.claim(r, { activate: true })).toMatchObject({
      held: true,
      status: 'completed',
    });
    expect(await store.take(r.id, 1, () => r)).toMatchObject({ held: true, status: 'completed' });
    expect(await store.release(r.id)).toBe(true);
    expect(await store.release(r.id)).toBe(false);
    expect(await store.get(r.id)).toMatchObject({ status: 'completed', level: 1 });
  });

  it('follows an alias once', async () => {
    const store = open();
    const r = record('queued', 1);
    await store.claim(r);
    await store.alias(`bull-${r.id}`, r.id);
    expect((await store.get(`bull-${r.id}`))?.id).toBe(r.id);
    expect(await store.get('nobody')).toBeNull();
  });
});
