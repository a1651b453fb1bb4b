import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { migrateSlotOf } from '../helpers/cluster-migrate.js';
import { job, onCluster, startTestLadder, testConfig } from '../helpers/ladder.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('Redis Cluster: a ladder slot migrated while jobs flow', () => {
  it('runs in the cluster suite', () => {
    expect(onCluster()).toBe(true);
  });

  it('MOVED, ASK and TRYAGAIN while the slot moves between masters fail no job', async () => {
    const config = testConfig({
      providers: { simulated: { latency_ms: 10 } },
      levels: [
        { name: 'full', targets: ['simulated/a'] },
        { name: 'static', serve: 'static', message: 'sorry' },
      ],
      worker: { concurrency: 4, shutdown_grace_ms: 1_000 },
    });
    const ladder = await startTestLadder(config);
    const ids: string[] = [];
    const errors: string[] = [];
    let running = true;
    // Four producers without pause; their jobs' results are read at the end.
    const producers = Array.from({ length: 4 }, async (_, p) => {
      for (let n = 0; running; n++) {
        try {
          ids.push((await ladder.ops.enqueue(job(`p${p} ${n}`))).id);
        } catch (error) {
          errors.push(String(error));
          await sleep(20);
        }
        // Paced, so the queue stays short and the migration sees new keys come and go.
        await sleep(5);
      }
    });
    try {
      await expect.poll(() => ids.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(40);
      const startedAt = ids.length;
      const migration = await migrateSlotOf(inject('redisNodes')[0]!, config.redis.prefix, {
        batch: 5,
        pauseMs: 10,
      });
      const duringMigration = ids.length - startedAt;
      const after = ids.length;
      await expect.poll(() => ids.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(after + 40);
      running = false;
      await Promise.all(producers);

      const results = await Promise.all(
        ids.map((id) => ladder.ops.result(id, { timeoutMs: 20_000 })),
      );
      const notCompleted = results.filter((r) => r?.status !== 'completed' || r.level !== 1);
      process.stdout.write(
        `MIGRATION-FIGURES ${JSON.stringify({ ...migration, jobs: ids.length, enqueued_during_migration: duringMigration, not_completed: notCompleted.length, errors: errors.length })}\n`,
      );
      expect(migration.batches).toBeGreaterThan(1);
      expect(duringMigration).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      expect(notCompleted).toEqual([]);
    } finally {
      running = false;
      await Promise.all(producers);
      await ladder.close();
    }
  }, 40_000);
});
