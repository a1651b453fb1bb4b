import { TIMEOUT_MS } from './failover-run.js';
import { overheadGoals } from './goals-overhead.js';
import { comparison, type Goal, type Row } from './report.js';

const f = (value: number | undefined, digits = 2): string =>
  value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);

/** The issue's goals, judged from this run's medians. Missing rows (a partial run) skip a goal. */
export function judgeGoals(rows: readonly Row[]): Goal[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const goals: Goal[] = [];

  goals.push(...overheadGoals(rows));

  const p50 = byId.get('latency.p50');
  if (p50) {
    const diff = comparison(p50) ?? Number.NaN;
    goals.push({
      goal: 'p50 enqueue → result within 1 ms of bare BullMQ at 200 jobs/s',
      met: diff <= 1,
      figure: `ladder ${f(p50.ladder?.median)} ms vs bare ${f(p50.bare?.median)} ms (${diff >= 0 ? '+' : ''}${f(diff)} ms)`,
    });
  }

  const modes = ['down', 'down_later', 'hang'].filter((m) => byId.has(`failover.${m}.deadCalls`));
  if (modes.length > 0) {
    const med = (id: string): number => byId.get(id)?.ladder?.median ?? Number.NaN;
    const max = (id: string): number => byId.get(id)?.ladder?.max ?? Number.NaN;
    goals.push({
      goal: 'calls reaching a dead target ≤ threshold + in flight + half-open probes per reset period',
      met: modes.every((m) => max(`failover.${m}.deadCalls`) <= med(`failover.${m}.deadCallBound`)),
      figure: modes
        .map(
          (m) =>
            `${m}: ${max(`failover.${m}.deadCalls`)} (max) ≤ ${med(`failover.${m}.deadCallBound`)}`,
        )
        .join('; '),
    });
    goals.push({
      goal: 'level paused within 250 ms of the breaker opening',
      met: modes.every((m) => max(`failover.${m}.openToPausedMs`) <= 250),
      figure: modes
        .map((m) => `${m}: ${f(max(`failover.${m}.openToPausedMs`), 0)} ms (max)`)
        .join('; '),
    });
    goals.push({
      goal: 'no job lost or duplicated; every job completed',
      met: modes.every(
        (m) => max(`failover.${m}.lost`) === 0 && max(`failover.${m}.duplicated`) === 0,
      ),
      figure: modes
        .map(
          (m) =>
            `${m}: completed ${med(`failover.${m}.completed`)}, lost ${max(`failover.${m}.lost`)}, duplicated ${max(`failover.${m}.duplicated`)}`,
        )
        .join('; '),
    });
    if (modes.includes('hang')) {
      // The next level is the simulated provider at 0 ms: its latency is the ladder's own p99.
      const nextLevelMs = byId.get('latency.p99')?.ladder?.median ?? 50;
      const bound = TIMEOUT_MS + nextLevelMs;
      goals.push({
        goal: 'hung-target p99 ≤ one provider timeout + the next level’s latency',
        met: med('failover.hang.p99Ms') <= bound,
        figure: `${f(med('failover.hang.p99Ms'), 0)} ms vs ${f(bound, 0)} ms`,
      });
    }
  }

  const share = byId.get('quota.entryShare');
  if (share?.ladder) {
    const med = (id: string, side: 'ladder' | 'bare' = 'ladder'): number =>
      byId.get(id)?.[side]?.median ?? Number.NaN;
    goals.push({
      goal: 'quota: ≥ 99 % of a burst served at the entry level when deadlines allow',
      met: med('quota.entryShare') >= 0.99,
      figure: `${f(med('quota.entryShare') * 100, 1)} % (without the scheduler ${f(med('quota.entryShare', 'bare') * 100, 1)} %)`,
    });
    goals.push({
      goal: 'quota: ≤ 5 429s per 1,000 calls with limits:, ≤ 50 without (adaptive)',
      // Not measured (a run without the adaptive rows) counts as missed, not as met.
      met: med('quota.per1000') <= 5 && med('quota.adaptive.per1000') <= 50,
      figure: `${f(med('quota.per1000'), 1)} with limits:, ${f(med('quota.adaptive.per1000'), 1)} adaptive (without the scheduler ${f(med('quota.per1000', 'bare'), 0)})`,
    });
    goals.push({
      goal: 'quota: achieved rate ≥ 0.9 × R',
      met: med('quota.achievedOverR') >= 0.9,
      figure: `×${f(med('quota.achievedOverR'))}`,
    });
    const secondP99 = med('quota.secondP99Ms');
    const service = med('quota.secondServiceMs');
    goals.push({
      goal: "quota: a second agent's p99 behind the burst within 2 s of its own service time",
      met: secondP99 - service <= 2000,
      figure: `${f(secondP99, 0)} ms vs ${f(service, 0)} ms alone`,
    });
  }

  const ttft = ['p50', 'p99'].map((p) => byId.get(`streaming.ttft.c16.${p}`));
  if (ttft[0] && ttft[1]) {
    const [p50, p99] = ttft.map((r) => (r ? (comparison(r) ?? Number.NaN) : Number.NaN));
    goals.push({
      goal: 'streaming: added first-token latency at 16 streams p50 ≤ 5 ms, p99 ≤ 15 ms',
      met: (p50 ?? Number.NaN) <= 5 && (p99 ?? Number.NaN) <= 15,
      figure: `p50 +${f(p50, 1)} ms, p99 +${f(p99, 1)} ms`,
    });
  }
  const lost = byId.get('streaming.wide.lost');
  if (lost?.ladder) {
    goals.push({
      goal: 'streaming: every stream of the widest run delivered whole',
      met: lost.ladder.max === 0,
      figure: `${lost.ladder.max} not delivered (${lost.name.split(' ')[0]} streams)`,
    });
  }
  const faults = byId.get('streaming.faults.completed');
  if (faults?.ladder) {
    goals.push({
      goal: 'streaming: 100 % of mid-stream faults end in a completed answer',
      met: faults.ladder.min === 1,
      figure: `${f(faults.ladder.min * 100, 1)} %`,
    });
  }

  const growth = byId.get('memory.growth');
  const first = byId.get('memory.rss.steady') ?? byId.get('memory.rss.0');
  if (growth?.ladder && first?.ladder) {
    const g = growth.ladder.median;
    goals.push({
      goal: 'worker memory flat from 10,000 to 100,000 jobs (growth < 10 %)',
      met: g < first.ladder.median * 0.1,
      figure: `${f(first.ladder.median, 1)} MB, later half +${f(g, 1)} MB`,
    });
  }
  return goals;
}
