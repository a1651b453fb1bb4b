import type { LadderState } from '../ladder/state.js';

const LIGHT: Record<string, string> = {
  closed: '●',
  open: '○',
  half_open: '◐',
  forced_open: '⊘',
  forced_closed: '◉',
};

function since(iso: string | null, now: number): string {
  if (!iso) return '';
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  return seconds > 0 ? ` half-open in ${seconds}s` : ' half-open due';
}

/** The ladder top to bottom, for `ladder status`. */
export function renderLadder(state: LadderState, now: number = Date.now()): string {
  const lines: string[] = [];
  for (const level of state.levels) {
    const q = level.queue;
    const budget = level.budget
      ? `  budget $${level.budget.spent_usd.toFixed(2)}/$${level.budget.limit_usd} per ${level.budget.period}`
      : '';
    lines.push(
      `${String(level.level).padStart(2)} ${level.name.padEnd(12)} ${level.kind.padEnd(6)} ${level.state.toUpperCase().padEnd(7)} waiting ${q.waiting}  active ${q.active}  delayed ${q.delayed}  done ${q.completed}  failed ${q.failed}${budget}`,
    );
    for (const t of level.targets) {
      const b = t.breaker;
      const last = b.last_errors.at(-1);
      const error = last
        ? `  last: ${last.class}${last.status ? ` ${last.status}` : ''} ${last.message.slice(0, 60)}`
        : '';
      lines.push(
        `     ${LIGHT[b.state] ?? '?'} ${t.target.padEnd(36)} ${b.state.padEnd(13)} ${b.failures}/${b.calls} failed${since(b.half_open_at, now)}${error}`,
      );
    }
  }
  return lines.join('\n');
}
