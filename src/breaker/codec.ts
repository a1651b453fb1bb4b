import { breakerStateNameSchema, errorClassSchema } from '../ladder/literals.js';
import type { PolicyConfig } from './policy-config.js';
import type { BreakerState, WindowBucket } from './state.js';
import { initialState } from './state.js';
import type { BreakerErrorRecord, BreakerSnapshot } from './types.js';
import { pruneWindow, windowTotals } from './window.js';

/**
 * How a breaker lives in Redis (the layout `lua/apply-3.lua` reads and writes):
 * - state hash: `state`, `since`, and per state `streak` (comma-separated ms), `reopen_count`,
 *   `half_open_at`, `probes`, `successes`, `probe_at`;
 * - window hash: `c:<bucket start ms>` calls and `f:<bucket start ms>` failures;
 * - errors list: JSON error records, newest first.
 */
export interface StoredBreaker {
  fields: Record<string, string>;
  window: Record<string, string>;
  errors: string[];
}

const STATE_NAMES = breakerStateNameSchema.options;
const ERROR_CLASSES = errorClassSchema.options;

function num(fields: Record<string, string>, name: string): number {
  const value = Number(fields[name] ?? '0');
  return Number.isFinite(value) ? value : 0;
}

function parseWindow(window: Record<string, string>): WindowBucket[] {
  const byStart = new Map<number, WindowBucket>();
  for (const [field, raw] of Object.entries(window)) {
    const kind = field.slice(0, 2);
    const startMs = Number(field.slice(2));
    if ((kind !== 'c:' && kind !== 'f:') || !Number.isFinite(startMs)) continue;
    const bucket = byStart.get(startMs) ?? { startMs, calls: 0, failures: 0 };
    if (kind === 'c:') bucket.calls = Number(raw);
    else bucket.failures = Number(raw);
    byStart.set(startMs, bucket);
  }
  return [...byStart.values()].sort((a, b) => a.startMs - b.startMs);
}

function parseError(raw: string): BreakerErrorRecord | null {
  try {
    const value = JSON.parse(raw) as Partial<BreakerErrorRecord>;
    const errorClass = ERROR_CLASSES.find((c) => c === value.class);
    if (
      typeof value.at !== 'string' ||
      errorClass === undefined ||
      typeof value.message !== 'string'
    )
      return null;
    return {
      at: value.at,
      class: errorClass,
      status: typeof value.status === 'number' ? value.status : null,
      message: value.message,
    };
  } catch {
    return null;
  }
}

/** The typed state from what Redis holds; an absent hash is a closed breaker with nothing counted. */
export function decodeState(
  stored: StoredBreaker,
  nowMs: number,
  config: PolicyConfig,
): BreakerState {
  const { fields } = stored;
  const base = {
    sinceMs: num(fields, 'since'),
    buckets: pruneWindow(parseWindow(stored.window), nowMs, config.windowMs, config.bucketMs),
    lastErrors: stored.errors
      .map(parseError)
      .filter((e): e is BreakerErrorRecord => e !== null)
      .slice(0, config.maxErrors),
  };
  const name = STATE_NAMES.find((n) => n === fields.state);
  switch (name) {
    case undefined:
      return { ...initialState(), buckets: base.buckets, lastErrors: base.lastErrors };
    case 'closed': {
      const streak = (fields.streak ?? '')
        .split(',')
        .filter((s) => s !== '')
        .map(Number);
      return { name, ...base, streak };
    }
    case 'open':
      return {
        name,
        ...base,
        reopenCount: num(fields, 'reopen_count'),
        halfOpenAtMs: num(fields, 'half_open_at'),
      };
    case 'half_open':
      return {
        name,
        ...base,
        reopenCount: num(fields, 'reopen_count'),
        probes: num(fields, 'probes'),
        successes: num(fields, 'successes'),
        probeAtMs: num(fields, 'probe_at'),
      };
    case 'forced_open':
    case 'forced_closed':
      return { name, ...base };
  }
}

/** What `GET /v1/ladder` shows; `fallbackSinceMs` stands in for a breaker never written. */
export function snapshotOf(state: BreakerState, fallbackSinceMs: number): BreakerSnapshot {
  const { calls, failures } = windowTotals(state.buckets);
  return {
    state: state.name,
    since: new Date(state.sinceMs > 0 ? state.sinceMs : fallbackSinceMs).toISOString(),
    calls,
    failures,
    last_errors: state.lastErrors,
    half_open_at: state.name === 'open' ? new Date(state.halfOpenAtMs).toISOString() : null,
  };
}
