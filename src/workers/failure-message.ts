import type { Attempt } from '../ladder/result.js';

/** One line naming every level and target tried and what became of each, for a failed result. */
export function describeAttempts(attempts: readonly Attempt[]): string {
  if (attempts.length === 0) return 'no level was tried';
  return attempts
    .map((a) => {
      const where = `level ${a.level}${a.level_name ? ` ${a.level_name}` : ''}`;
      const target = a.provider ? ` ${a.provider}/${a.model ?? ''}` : '';
      if (a.outcome === 'skipped') return `${where}${target}: skipped (${a.reason ?? 'unknown'})`;
      if (a.outcome === 'ok') return `${where}${target}: ok`;
      const status = a.status ? ` ${a.status}` : '';
      return `${where}${target}: ${a.class ?? 'error'}${status}${a.error ? ` ${a.error}` : ''}`;
    })
    .join('; ');
}
