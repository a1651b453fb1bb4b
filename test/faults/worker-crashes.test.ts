import { describe, expect, inject, it } from 'vitest';
import { LadderClient } from '../../src/producer/ladder-client.js';
import type { FakeProvider } from '../helpers/fake-provider/server.js';
import { crashLines, Fleet, leftoverJobs, levelArgs, seeded, sleep } from './fleet.js';
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

const ALL_LEVELS = levelArgs(LEVEL_NAMES);

describe('fault: worker crashes', () => {
  it('kill -9 a random worker every ~2 s under a steady stream: one final result per job, none re-sent once final', async () => {
    const seed = Date.now() % 100_000;
    const random = seeded(seed);
    everyProviderAnswers(fake, { kind: 'text', text: 'served', delayMs: 150 });
    const redisUrl = inject('redisUrl');
    const config = faultConfig(redisUrl, fake);
    const fleet = new Fleet(config.path);
    const ledger = await JobLedger.open(redisUrl, config.prefix, fake);
    const client = new LadderClient({ redis: redisUrl, prefix: config.prefix });
    let started = Date.now();
    try {
      await fleet.start({ workers: 3, levels: LEVEL_NAMES });
      started = Date.now();

      const streamMs = 16_000;
      // Jobs keep coming and workers keep dying until the stream time is over and at least five
      // kills happened: on a busy machine a respawned worker can take seconds to be killable.
      const going = (): boolean =>
        Date.now() - started < streamMs ||
        (fleet.kills < 5 && Date.now() - started < streamMs + 20_000);
      let n = 0;
      const producing = (async () => {
        while (going() && n < 600) {
          const batch = Array.from({ length: 5 }, () => taggedJob(`crash-${seed}-${n++}`));
          for (const answer of await client.enqueueMany(batch)) ledger.accept(answer.id);
          await sleep(150);
        }
      })();
      const killing = (async () => {
        while (going()) {
          await sleep(1_500 + random() * 1_000);
          const killed = await fleet.killRandom(random, (p) =>
            p.output().includes('workers started'),
          );
          if (killed || fleet.live().length < 3) fleet.spawn(['worker', ...ALL_LEVELS]);
        }
      })();
      await Promise.all([producing, killing]);
      await ledger.waitAllFinal(60_000);
      // Longer than a lock and two stalled checks: a stale copy would have run by now.
      await sleep(2_500);
      const report = await ledger.verify();
      const left = await leftoverJobs(redisUrl, config.prefix, LEVEL_NAMES);
      const seconds = (Date.now() - started) / 1000;
      reportFigures('worker-crashes', {
        seed,
        jobs: report.accepted,
        completed: report.completed,
        failed: report.failed,
        kills: fleet.kills,
        processes: fleet.all.length,
        provider_calls: report.providerCalls,
        repeated_calls: report.extraCalls,
        seconds,
      });
      for (const id of report.problems.map((p) => p.split(':')[0] ?? '')) {
        process.stdout.write(
          `${fleet
            .output()
            .split('\n')
            .filter((l) => l.includes(`"${id}"`))
            .join('\n')}\n`,
        );
      }
      expect(report.problems, `seed ${seed}`).toEqual([]);
      expect(left).toEqual({});
      expect(fleet.kills).toBeGreaterThanOrEqual(5);
      expect(report.completed).toBe(report.accepted);
      // At-least-once: only jobs in flight in a killed worker are called again (8 per process).
      expect(report.extraCalls).toBeLessThanOrEqual(fleet.kills * 8);
      expect(crashLines(fleet.output())).toEqual([]);
    } finally {
      await client.close();
      await ledger.close();
      await fleet.stopAll();
      fake.reset();
    }
  });
});
