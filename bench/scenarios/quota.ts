import { startFakeProvider } from '../../test/helpers/fake-provider/server.js';
import { size } from '../harness/options.js';
import { quotaRun, type QuotaFigures, type QuotaMode } from '../harness/quota-run.js';
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

/** What the adaptive run (no `limits:`, the ladder learning the rate) is reported on. */
const ADAPTIVE_MEASURES = new Set<keyof QuotaFigures>([
  'entryShare',
  'per1000',
  'achievedOverR',
  'breakerOpened',
]);

/**
 * A burst against a target whose provider admits R requests a second, in the same run three ways:
 * with `limits:` (the "ladder" column of the `quota.*` rows), without `limits:` so the ladder learns
 * the rate (adaptive, the default: the "ladder" column of the `quota.adaptive.*` rows), and with
 * neither (`quota.adaptive: false`: the old behaviour, the "bare" column of both).
 */
export const quota: Scenario = {
  name: 'quota',
  async run(ctx) {
    const jobs = size(ctx.options, 2_000, 200);
    const perSecond = size(ctx.options, 50, 20);
    const reps = Math.min(ctx.options.reps, 1);
    const fake = await startFakeProvider();
    const runs: Record<QuotaMode, QuotaFigures[]> = { limits: [], adaptive: [], off: [] };
    try {
      for (let rep = 0; rep < reps; rep++) {
        for (const mode of ['limits', 'adaptive', 'off'] as const) {
          const figures = await quotaRun({ url: ctx.url, fake, jobs, perSecond, mode });
          ctx.log(`  ${mode}: ${JSON.stringify(figures)}`);
          runs[mode].push(figures);
        }
      }
    } finally {
      await fake.close();
    }
    const row = (m: (typeof MEASURES)[number], mode: 'limits' | 'adaptive'): Row => ({
      scenario: 'quota',
      id: mode === 'limits' ? `quota.${m.key}` : `quota.adaptive.${m.key}`,
      name: `${mode === 'adaptive' ? 'adaptive (no limits:): ' : ''}${m.name}${m.key === 'entryShare' ? ` (${jobs} jobs at once, R = ${perSecond}/s)` : ''}`,
      unit: m.unit,
      ladder: summarise(runs[mode].map((f) => f[m.key])),
      bare: summarise(runs.off.map((f) => f[m.key])),
      note:
        m.key === 'entryShare'
          ? `ladder: ${mode === 'limits' ? 'with limits:' : 'learning the rate'}; bare: without the scheduler`
          : undefined,
    });
    return [
      ...MEASURES.map((m) => row(m, 'limits')),
      ...MEASURES.filter((m) => ADAPTIVE_MEASURES.has(m.key)).map((m) => row(m, 'adaptive')),
    ];
  },
};
