import { startFakeProvider } from '../../test/helpers/fake-provider/server.js';
import {
  BREAKER,
  CONCURRENCY,
  failoverRun,
  TIMEOUT_MS,
  type FailoverFigures,
  type FailureMode,
} from '../harness/failover-run.js';
import { size } from '../harness/options.js';
import type { Row } from '../harness/report.js';
import type { Scenario } from '../harness/scenario.js';
import { summarise } from '../harness/stats.js';

const MODES: { mode: FailureMode; label: string }[] = [
  { mode: 'down', label: 'hard down (503) from the start' },
  { mode: 'down_later', label: 'down a third of the way through' },
  { mode: 'hang', label: `hanging until its ${TIMEOUT_MS} ms timeout` },
];

const MEASURES: { key: keyof FailoverFigures; name: string; unit: string }[] = [
  { key: 'deadCalls', name: 'calls reaching the dead target', unit: 'calls' },
  { key: 'deadCallBound', name: 'bound: threshold + in flight + probes', unit: 'calls' },
  { key: 'firstFailureToPausedMs', name: 'first failure → level paused', unit: 'ms' },
  { key: 'openToPausedMs', name: 'breaker open → level paused', unit: 'ms' },
  { key: 'completed', name: 'jobs completed', unit: 'jobs' },
  { key: 'lost', name: 'jobs lost', unit: 'jobs' },
  { key: 'duplicated', name: 'jobs duplicated', unit: 'jobs' },
  { key: 'p50Ms', name: 'latency p50', unit: 'ms' },
  { key: 'p99Ms', name: 'latency p99', unit: 'ms' },
  { key: 'recoveryMs', name: 'target healthy → level 1 serving', unit: 'ms' },
];

/** Failover and recovery of level 1's only target, with one worker process at concurrency 16. */
export const failover: Scenario = {
  name: 'failover',
  async run(ctx) {
    const jobs = size(ctx.options, 2_000, 200);
    // Two repetitions are enough for figures dominated by timeouts and reset periods.
    const reps = Math.min(ctx.options.reps, 2);
    const fake = await startFakeProvider();
    const rows: Row[] = [];
    try {
      for (const { mode, label } of MODES) {
        const runs: FailoverFigures[] = [];
        for (let rep = 0; rep < reps; rep++) {
          const figures = await failoverRun({ url: ctx.url, fake, mode, jobs });
          ctx.log(`  ${mode}: ${JSON.stringify(figures)}`);
          runs.push(figures);
        }
        for (const m of MEASURES) {
          rows.push({
            scenario: 'failover',
            id: `failover.${mode}.${m.key}`,
            name: `${label}: ${m.name}`,
            unit: m.unit,
            ladder: summarise(runs.map((r) => r[m.key])),
            note:
              m.key === 'deadCalls'
                ? `${jobs} jobs, c=${CONCURRENCY}, threshold ${BREAKER.failure_threshold}, reset ${BREAKER.reset_timeout} s`
                : undefined,
          });
        }
      }
    } finally {
      await fake.close();
    }
    return rows;
  },
};
