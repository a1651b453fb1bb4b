import type {
  BreakerAction,
  BreakerErrorRecord,
  BreakerFailure,
  BreakerStateName,
} from './types.js';

/**
 * One slice of the sliding window. The window is bucketed (as cockatiel's SamplingBreaker) so that
 * batched successes cost one counter increment, not one entry per call.
 */
export interface WindowBucket {
  /** Bucket start, epoch ms, a multiple of the bucket width. */
  startMs: number;
  calls: number;
  failures: number;
}

/** Fields every state carries: what the snapshot shows. */
interface StateBase {
  /** When this state was entered, epoch ms; 0 when the breaker has never been written. */
  sinceMs: number;
  /** Window buckets, oldest first; counted in every state, evaluated only when closed. */
  buckets: WindowBucket[];
  /** Newest first, at most `maxErrors`. */
  lastErrors: BreakerErrorRecord[];
}

export interface ClosedState extends StateBase {
  name: 'closed';
  /** Times of the current run of consecutive failures, oldest first (a success ends the run). */
  streak: number[];
}

export interface OpenState extends StateBase {
  name: 'open';
  /** Re-opens since the last success; the reset timeout doubles with each. */
  reopenCount: number;
  /** When the first probe may go through, epoch ms. */
  halfOpenAtMs: number;
}

export interface HalfOpenState extends StateBase {
  name: 'half_open';
  reopenCount: number;
  /** Probe calls granted and not yet reported, across all processes. */
  probes: number;
  /** Successful probes so far. */
  successes: number;
  /** When the last probe slot was granted; slots older than the probe lease are reclaimed. */
  probeAtMs: number;
}

export interface ForcedOpenState extends StateBase {
  name: 'forced_open';
}

export interface ForcedClosedState extends StateBase {
  name: 'forced_closed';
}

/** A breaker's whole state: serialisable, keyed by the state name. */
export type BreakerState =
  ClosedState | OpenState | HalfOpenState | ForcedOpenState | ForcedClosedState;

/** Something that happened to a breaker. */
export type BreakerEvent =
  /** A call wants to start: a closed breaker lets it, an open one may grant a probe slot. */
  | { type: 'acquire' }
  /** Time passed: an open breaker whose reset timeout is over becomes half-open. */
  | { type: 'tick' }
  /** `count` calls succeeded, the last at `atMs` (successes may arrive batched). */
  | { type: 'success'; probe: boolean; count: number; atMs: number }
  | { type: 'failure'; probe: boolean; failure: BreakerFailure }
  /** A call ended as neither success nor failure: frees a probe slot. */
  | { type: 'release'; probe: boolean }
  | { type: 'force'; action: BreakerAction };

export interface PolicyTransition {
  from: BreakerStateName;
  to: BreakerStateName;
  reason: string;
}

/** What `acquire` granted: an ordinary call, a half-open probe, or nothing. */
export type Grant = 'call' | 'probe' | null;

export interface Decision {
  state: BreakerState;
  transition: PolicyTransition | null;
  grant: Grant;
}

/** A breaker that was never written: closed, nothing counted. */
export function initialState(): ClosedState {
  return { name: 'closed', sinceMs: 0, buckets: [], lastErrors: [], streak: [] };
}
