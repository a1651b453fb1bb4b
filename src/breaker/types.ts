import type { BreakerAction, BreakerStateName, ErrorClass } from '../ladder/literals.js';
import type { BreakerSnapshot } from '../ladder/state.js';

export type { BreakerAction, BreakerStateName } from '../ladder/literals.js';
export type { BreakerErrorRecord, BreakerSnapshot } from '../ladder/state.js';

/** Permission for one call; a half-open probe must be reported back to free its slot. */
export interface Permit {
  target: string;
  probe: boolean;
}

export interface BreakerFailure {
  errorClass: ErrorClass;
  status: number | null;
  message: string;
  retryAfterMs: number | null;
}

export interface BreakerTransition {
  target: string;
  from: BreakerStateName;
  to: BreakerStateName;
  reason: string;
  at: string;
}

/**
 * The breakers of every target, as a worker sees them. `acquire` answers from a local state kept in
 * step by announcements, so a closed breaker costs no Redis round trip per call.
 */
export interface Breakers {
  /** A permit to call `target`, or null when its breaker refuses (open, or probes all taken). */
  acquire(target: string): Promise<Permit | null>;
  recordSuccess(permit: Permit): void;
  recordFailure(permit: Permit, failure: BreakerFailure): Promise<void>;
  /** The call ended in a way that is neither success nor failure (caller error, own deadline). */
  release(permit: Permit): void;
  /** The local state, without a round trip. */
  state(target: string): BreakerStateName;
  snapshot(target: string): Promise<BreakerSnapshot>;
  force(target: string, action: BreakerAction): Promise<void>;
  /** Called for every transition this process learns of, its own or another's. */
  onTransition(listener: (transition: BreakerTransition) => void): () => void;
  close(): Promise<void>;
}
