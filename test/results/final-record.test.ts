import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createKeys, type Keys } from '../../src/ladder/keys.js';
import type { JobResult, JobStatus } from '../../src/ladder/result.js';
import {
  releaseWhenReplicated,
  writeFinalRecord,
  type FinalWriter,
} from '../../src/results/final-record.js';
import { RedisResultStore } from '../../src/results/redis-result-store.js';
import { createLogger } from '../../src/util/log.js';
import { testPrefix } from '../helpers/ladder.js';
import { bareRecord } from './bare-records.js';

let redis: Redis;
let subscriber: Redis;
let keys: Keys;
let store: RedisResultStore;
/** Every id announced on the results channel, in order. */
const announced: string[] = [];
beforeAll(async () => {
  redis = new Redis(inject('redisUrl'));
  subscriber = new Redis(inject('redisUrl'));
  keys = createKeys(testPrefix());
  store = new RedisResultStore(redis, keys, 60);
  subscriber.on('message', (_channel: string, id: string) => announced.push(id));
  await subscriber.subscribe(keys.resultsChannel());
});
afterAll(() => {
  redis.disconnect();
  subscriber.disconnect();
});

let n = 0;
function record(status: JobStatus): JobResult {
  return bareRecord(`final-${++n}`, status);
}

/**
 * A writer under `replicated` durability whose first confirmation comes after a failover to a
 * replica that never received the held write: the master it was held on is gone, and the record on
 * the new master is the one from before (what `lost` drops is what the replica never had). Later
 * confirmations find the record where it is.
 */
function failingOverOnce(lost: (id: string) => Promise<void>, id: string): FinalWriter {
  let failovers = 1;
  return {
    results: store,
    logger: createLogger('test', 'silent'),
    replicaWait: {
      async confirm() {
        if (failovers-- > 0) await lost(id);
      },
    },
  };
}

const dropHeld = (id: string): Promise<number> =>
  redis.hdel(keys.result(id), 'held', 'held_level', 'held_json');

describe('a held final record and a failover (redis.durability: replicated)', () => {
  it('written again when the held write died with its master: the job ends final, announced once', async () => {
    const queued = record('queued');
    await store.claim(queued);
    const done: JobResult = { ...queued, status: 'completed' };
    const w = failingOverOnce(async (id) => void (await dropHeld(id)), queued.id);

    expect(await writeFinalRecord(w, done)).toBe(true);

    expect((await store.get(queued.id))?.status).toBe('completed');
    expect(await redis.hexists(keys.result(queued.id), 'held')).toBe(0);
    await expect.poll(() => announced.filter((id) => id === queued.id)).toEqual([queued.id]);
  });

  it('a release that finds nothing held answers whether the record is final all the same', async () => {
    const lost = record('active');
    await store.claim(lost);
    const w = failingOverOnce(async () => undefined, lost.id);
    expect(await releaseWhenReplicated(w, lost.id, undefined)).toBe(false);

    // Released by another run before this one came to it: the answer is out, nothing to redo.
    const other = record('queued');
    await store.claim(other);
    await store.write({ ...other, status: 'completed' }, { hold: true });
    expect(await store.release(other.id)).toBe(true);
    expect(await releaseWhenReplicated(w, other.id, undefined)).toBe(true);
  });
});
