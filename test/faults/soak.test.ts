import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LadderClient } from '../../src/producer/ladder-client.js';
import { freePort, startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { crashLines, Fleet, leftoverJobs, rssMiB, sleep } from './fleet.js';
import { auditKeys, usedMemoryMiB } from './key-audit.js';
import { JobLedger } from './ledger.js';
import { API_TOKEN, faultConfig, reportFigures } from './setup.js';

const JOBS = Number(process.env.SOAK_JOBS ?? 20_000);
const WAVES = 10;
const TTL_S = 10;
const LEVELS = [
  { name: 'full', targets: ['simulated/opus-sim'] },
  { name: 'reduced', targets: ['simulated/sonnet-sim', 'simulated/gpt-4o-sim'] },
  { name: 'basic', targets: ['simulated/haiku-sim'] },
  { name: 'cached', serve: 'cache' },
  { name: 'static', serve: 'static', message: 'Service temporarily limited' },
];
const NAMES = LEVELS.map((l) => l.name);

let redis: RedisServerHandle;
beforeAll(async () => {
  // Its own Redis, so memory and keys are this scenario's alone.
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis.dispose();
});

function soakJob(i: number): Record<string, unknown> {
  // A pool of prompts, so the cached level has hits; entry levels round the whole ladder.
  return {
    request: { messages: [{ role: 'user', content: `soak prompt ${i % 301}` }], max_tokens: 16 },
    level: 1 + (i % 5),
  };
}

describe('fault: load and soak', () => {
  it(`${JOBS} jobs through every level: memory flat, Redis back near baseline, no key without a TTL or an owner`, async () => {
    const config = faultConfig(redis.url, undefined, {
      providers: { simulated: { latency_ms: 2, failure_rate: 0.05, fail_status: 503 } },
      levels: LEVELS,
      breaker: {
        failure_threshold: 50,
        window: 10,
        failure_rate: 1,
        minimum_calls: 100_000,
        reset_timeout: 1,
        max_reset_timeout: 2,
      },
      worker: {
        concurrency: 32,
        lock_duration_ms: 10_000,
        stalled_interval_ms: 5_000,
        shutdown_grace_ms: 3_000,
      },
      results: { ttl: TTL_S },
      cache: { ttl: TTL_S },
      api: { tokens: [API_TOKEN], max_batch: 1000 },
    });
    const port = await freePort();
    const fleet = new Fleet(config.path, {
      NODE_OPTIONS: process.env.SOAK_NODE_OPTIONS ?? '--max-old-space-size=96',
    });
    const { api, workers } = await fleet.start({ apiPort: port, workers: 2, levels: NAMES });
    const admin = new Redis(redis.url);
    const client = new LadderClient({ url: `http://127.0.0.1:${port}`, token: API_TOKEN });
    const started = Date.now();
    const rss: { api: number[]; workers: number[] } = { api: [], workers: [] };
    try {
      // Warm-up first, so the baseline includes the Lua scripts every process loads on first use.
      const warm = await client.enqueueMany(
        NAMES.map((_, i) => ({
          request: { messages: [{ role: 'user', content: 'warm-up' }] },
          level: i + 1,
        })),
      );
      await Promise.all(warm.map((t) => client.result(t.id, { timeoutMs: 10_000 })));
      const baseline = await usedMemoryMiB(admin);
      let peak = baseline;
      const perWave = Math.ceil(JOBS / WAVES);
      const problems: string[] = [];
      const byLevel: Record<string, number> = {};
      const totals = { accepted: 0, completed: 0, failed: 0 };
      for (let wave = 0; wave < WAVES; wave++) {
        // One ledger per wave: results live TTL_S seconds, so each wave is checked as it ends.
        const ledger = await JobLedger.open(redis.url, config.prefix);
        const from = wave * perWave;
        const jobs = Array.from({ length: Math.min(perWave, JOBS - from) }, (_, k) =>
          soakJob(from + k),
        );
        for (let i = 0; i < jobs.length; i += 500) {
          for (const a of await client.enqueueMany(jobs.slice(i, i + 500))) ledger.accept(a.id);
        }
        await ledger.waitAllFinal(60_000);
        const report = await ledger.verify();
        await ledger.close();
        problems.push(...report.problems);
        totals.accepted += report.accepted;
        totals.completed += report.completed;
        totals.failed += report.failed;
        for (const r of report.results.values())
          byLevel[`${r.source ?? r.status}@${r.level}`] =
            (byLevel[`${r.source ?? r.status}@${r.level}`] ?? 0) + 1;
        peak = Math.max(peak, await usedMemoryMiB(admin));
        rss.api.push(Math.round(rssMiB(api?.child.pid)));
        rss.workers.push(Math.round(workers.reduce((a, w) => a + rssMiB(w.child.pid), 0)));
      }
      const drainedS = (Date.now() - started) / 1000;
      const report = totals;
      const afterDrain = await usedMemoryMiB(admin);

      // Results and cache entries expire; BullMQ trims its finished trail by age as later jobs
      // finish, at most 1,000 jobs per queue per finished job, so a few ticks per queue clear it.
      await sleep((TTL_S + 1) * 1000);
      for (let tick = 0; tick < 8; tick++) {
        const ticks = await client.enqueueMany(
          NAMES.map((_, i) => ({
            request: { messages: [{ role: 'user', content: `tick ${tick}` }] },
            level: i + 1,
          })),
        );
        await Promise.all(ticks.map((t) => client.result(t.id, { timeoutMs: 10_000 })));
      }
      await sleep((TTL_S + 1) * 1000);
      const after = await usedMemoryMiB(admin);
      const keys = await auditKeys(admin, config.prefix, NAMES);
      reportFigures('soak', {
        jobs: report.accepted,
        completed: report.completed,
        failed: report.failed,
        by_level: byLevel,
        drain_seconds: drainedS,
        jobs_per_second: Math.round(report.accepted / drainedS),
        redis_mib: { baseline, peak, after_drain: afterDrain, after_expiry: after },
        rss_api_mib: rss.api,
        rss_workers_mib: rss.workers,
        keys: {
          total: keys.total,
          with_ttl: keys.withTtl,
          owned: keys.owned,
          trail: keys.trail,
          unowned: keys.unowned.slice(0, 20),
        },
      });
      expect(problems.slice(0, 10)).toEqual([]);
      expect(report.completed).toBe(report.accepted);
      for (const level of [1, 2, 3, 4, 5])
        expect(
          Object.keys(byLevel).some((k) => k.endsWith(`@${level}`)),
          `level ${level}`,
        ).toBe(true);
      expect(await leftoverJobs(redis.url, config.prefix, NAMES)).toEqual({});
      expect(keys.unowned).toEqual([]);
      expect(after - baseline).toBeLessThan(3);
      // Flat-ish: the last waves use no more memory than the second wave plus a margin for GC timing.
      expect(Math.max(...rss.api.slice(-3))).toBeLessThan((rss.api[1] ?? 0) * 1.3 + 40);
      expect(Math.max(...rss.workers.slice(-3))).toBeLessThan((rss.workers[1] ?? 0) * 1.3 + 60);
      expect(crashLines(fleet.output())).toEqual([]);
    } finally {
      await client.close();
      admin.disconnect();
      await fleet.stopAll();
    }
  }, 300_000);
});
