import { comparison, type Goal, type Row } from './report.js';

const f = (value: number | undefined, digits = 2): string =>
  value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);

/** What the ladder may cost over bare BullMQ and over calling the provider directly (issue 15). */
export function overheadGoals(rows: readonly Row[]): Goal[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const ratio = (id: string): number => {
    const row = byId.get(id);
    return row ? (comparison(row) ?? Number.NaN) : Number.NaN;
  };
  const goals: Goal[] = [];

  const drains = rows.filter((r) => /^overhead\.c(16|64)\.p\d\.l0$/.test(r.id));
  if (drains.length > 0)
    goals.push({
      goal: 'drain, no-op provider, concurrency 16 and 64, one and two processes: ≥ 0.6 × bare',
      met: drains.every((r) => ratio(r.id) >= 0.6),
      figure: drains.map((r) => `${r.name.replace('drain ', '')}: ×${f(ratio(r.id))}`).join('; '),
    });
  const slow = rows.find((r) => /^overhead\.c64\.p1\.l50$/.test(r.id));
  if (slow)
    goals.push({
      goal: 'drain with 50 ms provider latency at concurrency 64: ≥ 0.95 × bare',
      met: ratio(slow.id) >= 0.95,
      figure: `×${f(ratio(slow.id))}`,
    });

  const enqueue = ['enqueue.seq', 'enqueue.parallel', 'enqueue.bulk'].filter((id) => byId.has(id));
  if (enqueue.length > 0)
    goals.push({
      goal: 'enqueue ≥ 0.85 × queue.add (one at a time, 64 in flight), enqueueMany ≥ 0.85 × addBulk',
      met: enqueue.every((id) => ratio(id) >= 0.85),
      figure: enqueue.map((id) => `${id.replace('enqueue.', '')}: ×${f(ratio(id))}`).join('; '),
    });

  const http = byId.get('http.rps');
  if (http?.ladder)
    goals.push({
      goal: 'POST /v1/jobs on one API process, 64 connections: ≥ 5,000 requests/s',
      met: http.ladder.median >= 5000,
      figure: `${f(http.ladder.median, 0)} req/s (Express + queue.add: ${f(http.bare?.median, 0)})`,
    });

  const sync16 = ['sync.chat.c16', 'sync.jobs.c16'].filter((id) => byId.has(`${id}.rps`));
  if (sync16.length > 0)
    goals.push({
      goal: 'synchronous path, 16 in flight, 20 ms provider: ≥ 0.5 × direct, added p50 ≤ 25 ms',
      met: sync16.every((id) => ratio(`${id}.rps`) >= 0.5 && ratio(`${id}.p50`) <= 25),
      figure: sync16
        .map(
          (id) => `${id.split('.')[1]}: ×${f(ratio(`${id}.rps`))}, +${f(ratio(`${id}.p50`), 1)} ms`,
        )
        .join('; '),
    });
  const sync1 = ['sync.chat.c1', 'sync.jobs.c1'].filter((id) => byId.has(`${id}.p50`));
  if (sync1.length > 0)
    goals.push({
      goal: 'synchronous path, one at a time: added p50 ≤ 2 ms, p99 ≤ 5 ms',
      met: sync1.every((id) => ratio(`${id}.p50`) <= 2 && ratio(`${id}.p99`) <= 5),
      figure: sync1
        .map(
          (id) =>
            `${id.split('.')[1]}: p50 +${f(ratio(`${id}.p50`), 1)} ms, p99 +${f(ratio(`${id}.p99`), 1)} ms`,
        )
        .join('; '),
    });

  const rss = byId.get('memory.rss.steady') ?? byId.get('memory.rss.1');
  if (rss?.ladder && rss.bare) {
    const over = rss.ladder.median - rss.bare.median;
    goals.push({
      goal: 'worker RSS ≤ bare + 40 MB',
      met: over <= 40,
      figure: `${f(rss.ladder.median, 0)} MB vs ${f(rss.bare.median, 0)} MB (${over >= 0 ? '+' : ''}${f(over, 0)} MB, ${rss.name})`,
    });
  }
  return goals;
}
