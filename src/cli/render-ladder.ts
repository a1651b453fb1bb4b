import type { LadderState } from '../ladder/state.js';
import type { TargetQuotaState } from '../quota/types.js';

/** `limit 600 rpm · 150000 tpm · 32 in flight  last minute 412 req / 80311 tok  in flight 7  SATURATED for 3s` */
function renderQuota(q: TargetQuotaState, now: number): string {
  const l = q.limit;
  const parts = l
    ? [
        l.rpm === undefined ? null : `${l.rpm} rpm`,
        l.tpm === undefined ? null : `${l.tpm} tpm`,
        l.concurrency === undefined ? null : `${l.concurrency} in flight`,
      ].filter((p) => p !== null)
    : [];
  const learned = q.learned?.rpm ? `learned ${q.learned.rpm} rpm` : 'no limit';
  const limit = parts.length > 0 ? `limit ${parts.join(' · ')}` : learned;
  const saturated = q.saturated_until
    ? `  SATURATED for ${Math.max(0, Math.ceil((Date.parse(q.saturated_until) - now) / 1000))}s`
    : '';
  const waiting = q.waiting > 0 ? `  waiting ${q.waiting}` : '';
  return `${limit}  last minute ${q.last_minute.requests} req / ${q.last_minute.tokens} tok  in flight ${q.in_flight}${waiting}  429s ${q.rate_limited}${saturated}`;
}

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
      if (t.quota) lines.push(`       ${renderQuota(t.quota, now)}`);
    }
  }
  return lines.join('\n');
}
