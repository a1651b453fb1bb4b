import { describe, expect, inject, it } from 'vitest';
import type { JobResult } from '../../src/ladder/result.js';
import { openRedisOps } from '../../src/producer/open-redis-ops.js';
import type { FakeProvider } from '../helpers/fake-provider/server.js';
import { ChaosDriver, type ChaosTarget } from './chaos-driver.js';
import { crashLines, Fleet, leftoverJobs, seeded, sleep } from './fleet.js';
import { JobLedger, taggedJob } from './ledger.js';
import {
  everyProviderAnswers,
  faultConfig,
  LEVEL_NAMES,
  reportFigures,
  withFakeProvider,
} from './setup.js';

let fake: FakeProvider;
withFakeProvider((f) => (fake = f));

const TARGETS: ChaosTarget[] = [
  { provider: 'anthropic', model: 'claude-opus-4-1' },
  { provider: 'openai', model: 'gpt-4o' },
  { provider: 'openai', model: 'gpt-4o-mini' },
  { provider: 'google', model: 'gemini-2.0-flash' },
  { provider: 'google', model: 'gemini-2.0-flash-lite' },
];
const LEVEL_OF: Record<string, number> = {
  'anthropic/claude-opus-4-1': 1,
  'openai/gpt-4o': 1,
  'openai/gpt-4o-mini': 2,
  'google/gemini-2.0-flash': 2,
  'google/gemini-2.0-flash-lite': 3,
};

/** Problems with where and when a job ended: never below its floor, no LLM call after its deadline. */
function floorAndDeadline(record: JobResult, deadlineMs: number | undefined): string[] {
  const problems: string[] = [];
  if (record.level > record.floor)
    problems.push(`${record.id}: ended at level ${record.level}, below floor ${record.floor}`);
  if (record.status === 'failed' && !record.error?.message.includes('level'))
    problems.push(`${record.id}: failure without a reason naming levels`);
  if (deadlineMs !== undefined) {
    const enqueued = Date.parse(record.timing.enqueued_at);
    for (const a of record.attempts) {
      if (!a.provider || a.outcome === 'skipped') continue;
      const startedAt = Date.parse(a.at) - (a.latency_ms ?? 0);
      if (startedAt > enqueued + deadlineMs + 50)
        problems.push(
          `${record.id}: a call started ${startedAt - enqueued} ms after enqueue, deadline ${deadlineMs}`,
        );
    }
  }
  return problems;
}

describe('fault: provider chaos', () => {
  it('30% transient failures, hangs and resets everywhere, Google down for a while: every job ends within floor and deadline, breakers end closed', async () => {
    const seed = Date.now() % 100_000;
    const random = seeded(seed);
    const redisUrl = inject('redisUrl');
    const config = faultConfig(redisUrl, fake, {
      providers: Object.fromEntries(
        (['anthropic', 'openai', 'google'] as const).map((p) => [
          p,
          { api_key: `sk-chaos-${p}`, base_url: fake.baseUrls[p], timeout_ms: 400 },
        ]),
      ),
    });
    const fleet = new Fleet(config.path);
    const chaos = new ChaosDriver(fake, TARGETS, random);
    const ledger = await JobLedger.open(redisUrl, config.prefix, fake);
    await fleet.start({ workers: 2, levels: LEVEL_NAMES });
    const ops = await openRedisOps({ url: redisUrl, prefix: config.prefix });
    const deadlines = new Map<string, number | undefined>();
    const started = Date.now();
    try {
      chaos.start();
      let n = 0;
      const outage = (async () => {
        await sleep(3_000);
        chaos.takeDown('google');
        await sleep(5_000);
        chaos.bringBack('google');
      })();
      while (Date.now() - started < 11_000) {
        const batch = Array.from({ length: 6 }, () => {
          const id = `chaos-${seed}-${n++}`;
          const deadline = random() < 0.4 ? 3_000 + Math.floor(random() * 4_000) : undefined;
          deadlines.set(id, deadline);
          return taggedJob(id, {
            level: 1 + Math.floor(random() * 3),
            floor: 3 + Math.floor(random() * 3),
            ...(deadline === undefined ? {} : { deadline_ms: deadline }),
          });
        });
        for (const answer of await ops.enqueueMany(batch)) ledger.accept(answer.id);
        await sleep(100);
      }
      await outage;
      chaos.stop();
      everyProviderAnswers(fake, { kind: 'text', text: 'calm' });
      await ledger.waitAllFinal(60_000);
      const chaosSeconds = (Date.now() - started) / 1000;

      // Recovery: one job per target that is not closed yet, preferring it, until all are closed.
      let probes = 0;
      const recoveryStarted = Date.now();
      for (let round = 0; round < 30; round++) {
        const state = await ops.ladder();
        const notClosed = state.levels.flatMap((l) =>
          l.targets.filter((t) => t.breaker.state !== 'closed').map((t) => t.target),
        );
        if (notClosed.length === 0) break;
        for (const target of notClosed) {
          const id = `recover-${seed}-${probes++}`;
          const { id: accepted } = await ops.enqueue(taggedJob(id, { level: LEVEL_OF[target] }), {
            prefer: target,
          });
          ledger.accept(accepted);
        }
        await sleep(500);
      }
      await ledger.waitAllFinal(20_000);
      await sleep(1_500);
      const report = await ledger.verify();
      const placement = [...report.results.values()].flatMap((r) =>
        floorAndDeadline(r, deadlines.get(r.id)),
      );
      const finalState = await ops.ladder();
      const breakers = finalState.levels.flatMap((l) =>
        l.targets.map((t) => `${t.target}:${t.breaker.state}`),
      );
      const byLevel: Record<string, number> = {};
      for (const r of report.results.values())
        byLevel[`${r.status}@${r.level}`] = (byLevel[`${r.status}@${r.level}`] ?? 0) + 1;
      reportFigures('provider-chaos', {
        seed,
        jobs: report.accepted,
        completed: report.completed,
        failed: report.failed,
        by_level: byLevel,
        faults_injected: chaos.injected,
        provider_calls: report.providerCalls,
        recovery_probes: probes,
        recovery_ms: Date.now() - recoveryStarted,
        chaos_seconds: chaosSeconds,
      });
      expect(report.problems, `seed ${seed}`).toEqual([]);
      expect(placement, `seed ${seed}`).toEqual([]);
      expect(await leftoverJobs(redisUrl, config.prefix, LEVEL_NAMES)).toEqual({});
      expect(breakers.filter((b) => !b.endsWith(':closed'))).toEqual([]);
      // The chaos really happened: about 30% of scripted calls are faults. Rate-limited targets
      // now wait their 429s out instead of calling on, so the call count (and fault count) varies
      // with timing; a ratio holds where a fixed count did not (48 of ~160 on one CI run).
      expect(chaos.injected).toBeGreaterThan(20);
      expect(chaos.injected / chaos.scriptedTotal()).toBeGreaterThan(0.15);
      expect(crashLines(fleet.output())).toEqual([]);
    } finally {
      chaos.stop();
      await ops.close();
      await ledger.close();
      await fleet.stopAll();
      fake.reset();
    }
  });
});
