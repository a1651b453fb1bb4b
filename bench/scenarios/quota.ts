import { startFakeProvider } from '../../test/helpers/fake-provider/server.js';
import { size } from '../harness/options.js';
import { quotaRun, type QuotaFigures } from '../harness/quota-run.js';
import type { Row } from '../harness/report.js';
import type { Scenario } from '../harness/scenario.js';
import { summarise } from '../harness/stats.js';

const MEASURES: { key: keyof QuotaFigures; name: string; unit: string }[] = [
  { key: 'entryShare', name: 'share served at the entry level', unit: 'share' },
  { key: 'per1000', name: '429s per 1,000 calls', unit: 'calls' },
  { key: 'achievedOverR', name: 'achieved rate / R', unit: 'ratio' },
  { key: 'waitP50Ms', name: 'quota wait p50', unit: 'ms' },
  { key: 'waitP99Ms', name: 'quota wait p99', unit: 'ms' },
  { key: 'secondP99Ms', name: "second agent's p99 behind the burst", unit: 'ms' },
  { key: 'secondServiceMs', name: "second agent's own service time", unit: 'ms' },
  { key: 'breakerOpened', name: 'breaker openings', unit: 'times' },
];

/**
 * A burst against a target whose provider admits R requests a second, with the quota scheduler
 * (`limits:` at 95% of R) and without it (no `limits:`, `quota.adaptive: false`: the old behaviour),
 * in the same run. The "ladder" column is with the scheduler, the "bare" column without.
 */
export const quota: Scenario = {
  name: 'quota',
  async run(ctx) {
    const jobs = size(ctx.options, 2_000, 200);
    const perSecond = size(ctx.options, 50, 20);
    const reps = Math.min(ctx.options.reps, 1);
    const fake = await startFakeProvider();
    const on: QuotaFigures[] = [];
    const off: QuotaFigures[] = [];
    try {
      for (let rep = 0; rep < reps; rep++) {
        for (const scheduler of [true, false]) {
          const figures = await quotaRun({ url: ctx.url, fake, jobs, perSecond, scheduler });
          ctx.log(`  scheduler ${scheduler ? 'on' : 'off'}: ${JSON.stringify(figures)}`);
          (scheduler ? on : off).push(figures);
        }
      }
    } finally {
      await fake.close();
    }
    return MEASURES.map((m): Row => ({
      scenario: 'quota',
      id: `quota.${m.key}`,
      name: `${m.name}${m.key === 'entryShare' ? ` (${jobs} jobs at once, R = ${perSecond}/s)` : ''}`,
      unit: m.unit,
      ladder: summarise(on.map((f) => f[m.key])),
      bare: summarise(off.map((f) => f[m.key])),
      note: m.key === 'entryShare' ? 'ladder: with the scheduler; bare: without it' : undefined,
    }));
  },
};
