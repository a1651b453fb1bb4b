import { randomUUID } from 'node:crypto';
import type { BreakerConfig } from '../../src/config/types.js';
import type { BreakerFailure } from '../../src/breaker/types.js';

/** Small numbers so each boundary is a few events away. */
export const baseConfig: BreakerConfig = {
  failureThreshold: 3,
  windowMs: 10_000,
  failureRate: 0.5,
  minimumCalls: 10,
  resetTimeoutMs: 1_000,
  maxResetTimeoutMs: 4_000,
  halfOpenMaxCalls: 2,
  halfOpenSuccesses: 2,
  invalidOutputThreshold: 3,
};

/** A fixed, round epoch so bucket boundaries are predictable. */
export const T0 = 1_700_000_000_000;

export function transient(overrides: Partial<BreakerFailure> = {}): BreakerFailure {
  return {
    errorClass: 'transient',
    status: 503,
    message: 'unavailable',
    retryAfterMs: null,
    ...overrides,
  };
}

export function failureOf(
  errorClass: BreakerFailure['errorClass'],
  status: number,
): BreakerFailure {
  return { errorClass, status, message: `${errorClass} ${status}`, retryAfterMs: null };
}

export function randomTarget(): string {
  return `prov-${randomUUID().slice(0, 6)}/model`;
}

export function randomPrefix(): string {
  return `t${randomUUID().slice(0, 8)}`;
}

/** A clock the test moves by hand. */
export class FakeClock {
  constructor(public ms: number = T0) {}
  readonly now = (): number => this.ms;
  tick(ms: number): void {
    this.ms += ms;
  }
}
