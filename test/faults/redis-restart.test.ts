import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LadderUnavailableError } from '../../src/producer/errors.js';
import { LadderClient } from '../../src/producer/ladder-client.js';
import type { FakeProvider } from '../helpers/fake-provider/server.js';
import { freePort, startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { crashLines, Fleet, leftoverJobs, sleep } from './fleet.js';
import { JobLedger, taggedJob } from './ledger.js';
import {
  API_TOKEN,
  everyProviderAnswers,
  faultConfig,
  LEVEL_NAMES,
  REDIS_OUTAGE_WORKER,
  reportFigures,
  withFakeProvider,
} from './setup.js';

let fake: FakeProvider;
withFakeProvider((f) => (fake = f));
let redis: RedisServerHandle;
beforeAll(async () => {
  // appendfsync always: every write the API acknowledged (a 202) is on disk before the answer.
  redis = await startRedisServer({ appendOnly: true, appendFsync: 'always' });
});
afterAll(async () => {
  await redis.dispose();
});

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

describe('fault: Redis restart', () => {
  it('Redis killed and restarted from its AOF mid-stream: 503 while away, everything accepted is served after', async () => {
    everyProviderAnswers(fake, { kind: 'text', text: 'served', delayMs: 250 });
    const config = faultConfig(redis.url, fake, {
      worker: REDIS_OUTAGE_WORKER,
    });
    const port = await freePort();
    const fleet = new Fleet(config.path);
    await fleet.start({ apiPort: port, workers: 2, levels: LEVEL_NAMES });
    const url = `http://127.0.0.1:${port}`;
    const client = new LadderClient({ url, token: API_TOKEN });
    const ledger = await JobLedger.open(redis.url, config.prefix, fake);
    const started = Date.now();
    try {
      for (let b = 0; b < 15; b++) {
        const jobs = Array.from({ length: 10 }, (_, i) => taggedJob(`before-${b * 10 + i}`));
        for (const answer of await client.enqueueMany(jobs)) ledger.accept(answer.id);
      }
      await sleep(500);
      const pendingAtStop = ledger.accepted.size - (await ledger.finalCount());
      await redis.stop('SIGKILL');
      const downAt = Date.now();

      // While Redis is away: 503 with Retry-After, quickly; the process itself stays healthy.
      const post = await timed(() =>
        fetch(`${url}/v1/jobs`, {
          method: 'POST',
          headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify(taggedJob('while-down')),
        }),
      );
      expect(post.value.status).toBe(503);
      expect(post.value.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(post.ms).toBeLessThan(3_000);
      const get = await timed(() =>
        fetch(`${url}/v1/jobs/before-1`, { headers: { authorization: `Bearer ${API_TOKEN}` } }),
      );
      expect(get.value.status).toBe(503);
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(503);
      const thrown = await client.enqueue(taggedJob('client-while-down')).then(
        () => null,
        (e: unknown) => e,
      );
      expect(thrown).toBeInstanceOf(LadderUnavailableError);
      await sleep(Math.max(0, 3_000 - (Date.now() - downAt)));
      await redis.start();
      const downMs = Date.now() - downAt;

      // Back: the API accepts again by itself (bounded retries while it reconnects).
      let accepted = 0;
      for (let attempt = 0; attempt < 100 && accepted < 50; attempt++) {
        try {
          const answer = await client.enqueue(taggedJob(`after-${accepted}`));
          ledger.accept(answer.id);
          accepted++;
        } catch (error) {
          if (!(error instanceof LadderUnavailableError)) throw error;
          await sleep(200);
        }
      }
      expect(accepted).toBe(50);
      await ledger.waitAllFinal(60_000);
      await sleep(2_500);
      const report = await ledger.verify({ lossyAnnouncements: true });
      const left = await leftoverJobs(redis.url, config.prefix, LEVEL_NAMES);
      reportFigures('redis-restart', {
        jobs: report.accepted,
        completed: report.completed,
        failed: report.failed,
        pending_at_stop: pendingAtStop,
        redis_down_ms: downMs,
        post_503_ms: post.ms,
        get_503_ms: get.ms,
        provider_calls: report.providerCalls,
        repeated_calls: report.extraCalls,
        seconds: (Date.now() - started) / 1000,
      });
      expect(report.problems).toEqual([]);
      expect(left).toEqual({});
      expect(pendingAtStop).toBeGreaterThan(0);
      expect(report.completed).toBe(report.accepted);
      expect(fleet.live()).toHaveLength(3);
      expect(crashLines(fleet.output())).toEqual([]);
    } finally {
      await client.close();
      await ledger.close();
      await fleet.stopAll();
      fake.reset();
    }
  });
});
