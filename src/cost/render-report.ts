import type { Report } from './report-types.js';

const usd = (n: number): string => `$${n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 6 : 2)}`;
const pct = (n: number): string => `${(n * 100).toFixed(1)}%`;
const ms = (n: number | null): string => (n === null ? '-' : `${n} ms`);

/** Columns padded to their widest cell; the first column left-aligned, the rest right-aligned. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** The report for a terminal (`ladder report`). */
export function renderReport(report: Report): string {
  const out: string[] = [];
  out.push(`llm-ladder report  ${report.since} .. ${report.until}`);
  out.push(
    `jobs ${report.jobs.total}: ${report.jobs.completed} completed, ${report.jobs.failed} failed${report.jobs.unpriced ? `, ${report.jobs.unpriced} unpriced` : ''}`,
  );
  out.push('');
  out.push(
    ...table(
      ['level', 'jobs', 'share', 'p50', 'p95', 'failed', 'cost'],
      report.levels.map((l) => [
        `${l.level} ${l.name}`,
        String(l.jobs),
        pct(l.share),
        ms(l.p50_ms),
        ms(l.p95_ms),
        String(l.failed),
        usd(l.cost_usd),
      ]),
    ),
  );
  out.push('');
  out.push(
    ...table(
      [
        'target',
        'calls',
        'transient',
        'caller',
        'ctx_len',
        'misconf',
        'invalid',
        'err rate',
        'open',
        'cost',
      ],
      report.targets.map((t) => [
        t.target,
        String(t.calls),
        String(t.errors.transient),
        String(t.errors.caller),
        String(t.errors.context_length),
        String(t.errors.misconfigured),
        String(t.errors.invalid_output),
        pct(t.error_rate),
        `${t.open_seconds}s`,
        usd(t.cost_usd),
      ]),
    ),
  );
  out.push('');
  const reasons = Object.entries(report.failovers.by_reason)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${r} ${n}`);
  out.push(
    `failovers ${report.failovers.total}${reasons.length ? ` (${reasons.join(', ')})` : ''}`,
    ...(report.quota
      ? [
          `quota: ${report.quota.waited} jobs waited (${Math.round(report.quota.wait_ms / 1000)} s in all), ${report.quota.degraded} moved on for quota`,
        ]
      : []),
  );
  out.push(`cache hits ${report.cache.hits}, saved ${usd(report.cache.saved_usd)}`);
  out.push(
    `cost ${usd(report.cost.actual_usd)}; at entry levels ${usd(report.cost.entry_level_usd)}; saved ${usd(report.cost.saved_usd)}`,
  );
  if (report.agents.length > 0) {
    out.push('');
    out.push(
      ...table(
        ['agent', 'jobs', 'cost'],
        report.agents.map((a) => [a.agent, String(a.jobs), usd(a.cost_usd)]),
      ),
    );
  }
  return out.join('\n');
}
