import type { TargetRef } from '../config/types.js';
import type { Usage } from '../providers/contract.js';
import type { RateLimitInfo } from '../providers/rate-limit.js';

/** Why a call must wait: the limit that has no room, or other jobs ahead in the waiting room. */
export type QuotaReason = 'saturated' | 'rpm' | 'tpm' | 'concurrency' | 'queue';

export interface AdmitRequest {
  target: TargetRef;
  /** The job id: its place in the target's waiting room. */
  ticket: string;
  /** `metadata.agent`; jobs without one share one agent's fair share. */
  agent: string | undefined;
  /** 1–1000, lower first. */
  priority: number;
  estimatedTokens: number;
  /** The call's timeout: its in-flight entry lapses after it, should this process die. */
  callTimeoutMs: number;
}

/** A call admitted: hand it back to `settle` once it has ended, whatever the outcome. */
export interface Lease {
  target: string;
  /** Null when the call was admitted without a round trip (a target with nothing to enforce). */
  id: string | null;
  second: number;
  estimatedTokens: number;
}

export type Admission =
  { kind: 'go'; lease: Lease } | { kind: 'wait'; waitMs: number; reason: QuotaReason };

export type CallEnd =
  | { kind: 'ok'; usage: Usage | null; rateLimit: RateLimitInfo | null }
  /** 429 / RESOURCE_EXHAUSTED: the target is saturated for every process. */
  | { kind: 'saturated'; retryAfterMs: number | null; rateLimit: RateLimitInfo | null }
  | { kind: 'other' };

export type { TargetQuotaState } from '../ladder/state.js';

/** The worker's view of the quota scheduler. */
export interface Quota {
  /** Whether calls to this target go through the scheduler (limits:, or adaptation on). */
  managed(target: string): boolean;
  admit(request: AdmitRequest): Promise<Admission>;
  /** Ends a call; answers until when the target is saturated (epoch ms, 0 when it is not). */
  settle(lease: Lease, end: CallEnd): Promise<number>;
  /** A job gave up waiting for a target: its place in the waiting room goes. */
  leave(target: string, ticket: string): Promise<void>;
  close(): Promise<void>;
}

/** A job's quota waits, kept in its BullMQ data between runs (under the ladder's own key). */
export interface QuotaMeta {
  /** Waited so far per target, ms. */
  waits: Record<string, number>;
  /** Waited in all, ms: the result's `timing.quota_wait_ms`. */
  total_ms: number;
  /** Set while parked: the target waited for and when the wait began. */
  parked?: { target: string; at: number };
}
