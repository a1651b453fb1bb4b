import type { BreakerConfig } from '../config/types.js';

/** The breaker configuration plus the knobs the YAML does not expose. */
export interface PolicyConfig extends BreakerConfig {
  /**
   * A probe slot not reported back within this long is taken back, so a process that died holding
   * a probe cannot keep the breaker half-open forever. Default `max(resetTimeoutMs, 60000)`.
   */
  probeLeaseMs: number;
  /** Errors kept for the snapshot. Default 5. */
  maxErrors: number;
  /** Width of one window bucket. Default `ceil(windowMs / 10)`. */
  bucketMs: number;
}

export interface PolicyOverrides {
  probeLeaseMs?: number;
  maxErrors?: number;
  bucketMs?: number;
}

function check(ok: boolean, name: string, value: number, expected: string): void {
  if (!ok) throw new RangeError(`breaker.${name} must be ${expected}, got ${value}`);
}

/** Fills the defaults and rejects values the rules cannot work with, naming the bad value. */
export function policyConfig(config: BreakerConfig, overrides: PolicyOverrides = {}): PolicyConfig {
  const int = (n: number, min: number): boolean => Number.isInteger(n) && n >= min;
  check(
    int(config.failureThreshold, 1),
    'failureThreshold',
    config.failureThreshold,
    'an integer ≥ 1',
  );
  check(int(config.windowMs, 1), 'windowMs', config.windowMs, 'an integer ≥ 1');
  check(
    config.failureRate > 0 && config.failureRate <= 1,
    'failureRate',
    config.failureRate,
    'in (0, 1]',
  );
  check(int(config.minimumCalls, 1), 'minimumCalls', config.minimumCalls, 'an integer ≥ 1');
  check(int(config.resetTimeoutMs, 1), 'resetTimeoutMs', config.resetTimeoutMs, 'an integer ≥ 1');
  check(
    int(config.maxResetTimeoutMs, config.resetTimeoutMs),
    'maxResetTimeoutMs',
    config.maxResetTimeoutMs,
    `an integer ≥ resetTimeoutMs (${config.resetTimeoutMs})`,
  );
  check(
    int(config.halfOpenMaxCalls, 1),
    'halfOpenMaxCalls',
    config.halfOpenMaxCalls,
    'an integer ≥ 1',
  );
  check(
    int(config.halfOpenSuccesses, 1),
    'halfOpenSuccesses',
    config.halfOpenSuccesses,
    'an integer ≥ 1',
  );
  const full: PolicyConfig = {
    ...config,
    probeLeaseMs: overrides.probeLeaseMs ?? Math.max(config.resetTimeoutMs, 60_000),
    maxErrors: overrides.maxErrors ?? 5,
    bucketMs: overrides.bucketMs ?? Math.max(1, Math.ceil(config.windowMs / 10)),
  };
  check(int(full.probeLeaseMs, 1), 'probeLeaseMs', full.probeLeaseMs, 'an integer ≥ 1');
  check(int(full.maxErrors, 0), 'maxErrors', full.maxErrors, 'an integer ≥ 0');
  check(int(full.bucketMs, 1), 'bucketMs', full.bucketMs, 'an integer ≥ 1');
  return full;
}

/** How long keys outlive their last write: long enough for any open period and window to end. */
export function keyTtlMs(config: PolicyConfig): number {
  return 2 * Math.max(config.windowMs, config.maxResetTimeoutMs, config.probeLeaseMs);
}
