import type { Keys } from '../ladder/keys.js';

/**
 * One target's quota keys. The target is the hash tag, so one script touches one slot on Redis
 * Cluster even when the prefix carries no tag (with a `{ladder}` prefix, that tag wins: one slot).
 */
export interface QuotaKeys {
  /** Hash: sat_until, learned_rpm, learned_tpm, vt, count_429, p:<process> in-flight counts. */
  state: string;
  /** Sorted set: lease id → start ms, the last second. */
  starts: string;
  /** Hash: r:<second> requests and t:<second> tokens, the last 61 seconds. */
  buckets: string;
  /** Sorted set: lease id → lease expiry ms. */
  inflight: string;
  /** Sorted set: ticket (job id) → priority · 2³² + fair start tag. */
  waiting: string;
  /** Hash: w:<ticket> expected return ms, f:<agent> the agent's next start tag. */
  tickets: string;
}

export function quotaKeys(keys: Keys, target: string): QuotaKeys {
  const k = (part: string): string => keys.custom('quota', `{${target}}`, part);
  return {
    state: k('state'),
    starts: k('starts'),
    buckets: k('buckets'),
    inflight: k('inflight'),
    waiting: k('waiting'),
    tickets: k('tickets'),
  };
}
