/**
 * `npm run bench` (add `--quick` or BENCH_QUICK=1 for a smoke run; `--only=overhead,latency`,
 * `--reps=N`): the ladder against bare BullMQ on a private redis-server, then a table and
 * bench/results/<date>.json. Not part of `npm test`: speed is reported here, never asserted.
 */
import { buildLadder } from './harness/build.js';
import { judgeGoals } from './harness/goals.js';
import { parseOptions } from './harness/options.js';
import { startBenchRedis } from './harness/redis.js';
import {
  machine,
  renderGoals,
  renderMachine,
  renderTable,
  writeReport,
  type Row,
} from './harness/report.js';
import type { Scenario } from './harness/scenario.js';
import { cpu } from './scenarios/cpu.js';
import { enqueue } from './scenarios/enqueue.js';
import { failover } from './scenarios/failover.js';
import { http } from './scenarios/http.js';
import { latency } from './scenarios/latency.js';
import { memory } from './scenarios/memory.js';
import { overhead } from './scenarios/overhead.js';
import { profile } from './scenarios/profile.js';
import { quota } from './scenarios/quota.js';
import { streaming } from './scenarios/streaming.js';
import { sync } from './scenarios/sync.js';

const SCENARIOS: Scenario[] = [
  overhead,
  enqueue,
  http,
  latency,
  failover,
  quota,
  streaming,
  sync,
  memory,
  profile,
  cpu,
];

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  // Workers inherit this: a log line per job would measure the logger, not the ladder.
  process.env.LOG_LEVEL ??= 'warn';
  const started = performance.now();
  const log = (message: string): void => console.log(message);
  buildLadder(log);
  const redis = await startBenchRedis();
  const rows: Row[] = [];
  try {
    for (const scenario of SCENARIOS) {
      if (options.only.length > 0 && !options.only.includes(scenario.name)) continue;
      const t = performance.now();
      log(`▶ ${scenario.name}${options.quick ? ' (quick)' : ''}`);
      rows.push(...(await scenario.run({ url: redis.url, redis: redis.client, options, log })));
      // Each scenario starts from an empty Redis: earlier jobs and records must not weigh on it.
      await redis.client.flushall();
      log(`  ${scenario.name} took ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
  } finally {
    await redis.dispose();
  }
  const goals = judgeGoals(rows);
  const report = {
    date: new Date().toISOString(),
    quick: options.quick,
    reps: options.reps,
    duration_s: Math.round((performance.now() - started) / 1000),
    machine: machine(redis.version),
    rows,
    goals,
  };
  const path = writeReport(report);
  log('');
  log(renderMachine(report.machine));
  log(renderTable(rows));
  log('');
  log(renderGoals(goals));
  log(`\nwrote ${path} (${report.duration_s} s)`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
