import type { PolicyConfig } from './policy-config.js';
import type {
  BreakerEvent,
  BreakerState,
  ClosedState,
  Decision,
  HalfOpenState,
  OpenState,
} from './state.js';
import type { BreakerFailure } from './types.js';
import { countsAsFailure, describeFailure, errorRecord, normaliseFailure } from './failure.js';
import { countInWindow, pruneWindow, windowTotals } from './window.js';

/**
 * The breaker's rules as a pure function: the Lua script `lua/apply-3.lua` mirrors it line for line,
 * and the contract tests hold both to the same behaviour.
 */
export function applyEvent(
  state: BreakerState,
  event: BreakerEvent,
  nowMs: number,
  config: PolicyConfig,
): Decision {
  switch (event.type) {
    case 'acquire':
      return acquire(state, nowMs, config);
    case 'tick':
      return tick(state, nowMs, config);
    case 'success':
      return success(state, event, nowMs, config);
    case 'failure':
      return failure(state, event.probe, normaliseFailure(event.failure), nowMs, config);
    case 'release':
      return release(state, event.probe);
    case 'force':
      if (event.action === 'open')
        return force(state, 'forced_open', 'forced open by operator', nowMs);
      if (event.action === 'close')
        return force(state, 'forced_closed', 'forced closed by operator', nowMs);
      if (state.name === 'forced_open' || state.name === 'forced_closed') {
        return moved(state, closedFresh(state, nowMs), 'released by operator');
      }
      return same(state);
  }
}

function same(state: BreakerState, grant: Decision['grant'] = null): Decision {
  return { state, transition: null, grant };
}

function moved(
  from: BreakerState,
  to: BreakerState,
  reason: string,
  grant: Decision['grant'] = null,
): Decision {
  return { state: to, transition: { from: from.name, to: to.name, reason }, grant };
}

/** Closed after a success or a release: counters start again, the error history stays. */
function closedFresh(state: BreakerState, nowMs: number): ClosedState {
  return { name: 'closed', sinceMs: nowMs, buckets: [], lastErrors: state.lastErrors, streak: [] };
}

/** Each re-open without a success doubles the timeout; a longer Retry-After stretches it; both capped. */
export function openTimeoutMs(
  reopenCount: number,
  retryAfterMs: number | null,
  config: PolicyConfig,
): number {
  const backoff = Math.min(
    config.resetTimeoutMs * 2 ** Math.min(reopenCount, 30),
    config.maxResetTimeoutMs,
  );
  if (retryAfterMs !== null && retryAfterMs > backoff)
    return Math.min(retryAfterMs, config.maxResetTimeoutMs);
  return backoff;
}

function opened(
  state: BreakerState,
  opts: { reopenCount: number; retryAfterMs: number | null; nowMs: number; config: PolicyConfig },
): OpenState {
  return {
    name: 'open',
    sinceMs: opts.nowMs,
    buckets: state.buckets,
    lastErrors: state.lastErrors,
    reopenCount: opts.reopenCount,
    halfOpenAtMs: opts.nowMs + openTimeoutMs(opts.reopenCount, opts.retryAfterMs, opts.config),
  };
}

function halfOpened(state: OpenState, probes: number, nowMs: number): HalfOpenState {
  return {
    name: 'half_open',
    sinceMs: nowMs,
    buckets: state.buckets,
    lastErrors: state.lastErrors,
    reopenCount: state.reopenCount,
    probes,
    successes: 0,
    probeAtMs: probes > 0 ? nowMs : 0,
  };
}

/** Probe slots held longer than the lease belong to calls whose process died: take them back. */
function reclaimProbes(state: HalfOpenState, nowMs: number, config: PolicyConfig): HalfOpenState {
  if (state.probes > 0 && nowMs >= state.probeAtMs + config.probeLeaseMs)
    return { ...state, probes: 0 };
  return state;
}

function acquire(state: BreakerState, nowMs: number, config: PolicyConfig): Decision {
  switch (state.name) {
    case 'closed':
    case 'forced_closed':
      return same(state, 'call');
    case 'forced_open':
      return same(state);
    case 'open':
      if (nowMs < state.halfOpenAtMs) return same(state);
      return moved(state, halfOpened(state, 1, nowMs), 'reset timeout elapsed', 'probe');
    case 'half_open': {
      const live = reclaimProbes(state, nowMs, config);
      if (live.probes >= config.halfOpenMaxCalls) return same(live);
      return same({ ...live, probes: live.probes + 1, probeAtMs: nowMs }, 'probe');
    }
  }
}

function tick(state: BreakerState, nowMs: number, config: PolicyConfig): Decision {
  if (state.name === 'open' && nowMs >= state.halfOpenAtMs) {
    return moved(state, halfOpened(state, 0, nowMs), 'reset timeout elapsed');
  }
  if (state.name === 'half_open') return same(reclaimProbes(state, nowMs, config));
  return same(state);
}

function success(
  state: BreakerState,
  event: { probe: boolean; count: number; atMs: number },
  nowMs: number,
  config: PolicyConfig,
): Decision {
  if (event.count <= 0) return same(state);
  const buckets = countInWindow(state.buckets, {
    nowMs,
    windowMs: config.windowMs,
    bucketMs: config.bucketMs,
    calls: event.count,
    failures: 0,
  });
  if (state.name === 'closed') {
    // Batched successes arrive late: they end only the failures that happened before them.
    return same({ ...state, buckets, streak: state.streak.filter((t) => t > event.atMs) });
  }
  if (state.name === 'half_open' && event.probe) {
    const next: HalfOpenState = {
      ...state,
      buckets,
      probes: Math.max(0, state.probes - 1),
      successes: state.successes + 1,
    };
    if (next.successes < config.halfOpenSuccesses) return same(next);
    return moved(state, closedFresh(state, nowMs), `${next.successes} probe(s) succeeded`);
  }
  // A call let through before the breaker opened says nothing about the provider now.
  return same({ ...state, buckets });
}

function failure(
  state: BreakerState,
  probe: boolean,
  fail: BreakerFailure,
  nowMs: number,
  config: PolicyConfig,
): Decision {
  if (!countsAsFailure(fail.errorClass)) return release(state, probe);
  const counted: BreakerState = {
    ...state,
    buckets: countInWindow(state.buckets, {
      nowMs,
      windowMs: config.windowMs,
      bucketMs: config.bucketMs,
      calls: 1,
      failures: 1,
    }),
    lastErrors: [errorRecord(fail, nowMs), ...state.lastErrors].slice(0, config.maxErrors),
  };
  if (counted.name === 'closed') return closedFailure(counted, fail, nowMs, config);
  if (counted.name === 'half_open' && probe) {
    const reopen = opened(counted, {
      reopenCount: counted.reopenCount + 1,
      retryAfterMs: fail.retryAfterMs,
      nowMs,
      config,
    });
    return moved(state, reopen, `probe failed: ${fail.errorClass} ${describeFailure(fail)}`);
  }
  return same(counted);
}

function closedFailure(
  state: ClosedState,
  fail: BreakerFailure,
  nowMs: number,
  config: PolicyConfig,
): Decision {
  const streak = [...state.streak.filter((t) => t > nowMs - config.windowMs), nowMs].slice(
    -config.failureThreshold,
  );
  const next: ClosedState = { ...state, streak };
  const open = (reason: string): Decision =>
    moved(
      state,
      opened(next, { reopenCount: 0, retryAfterMs: fail.retryAfterMs, nowMs, config }),
      reason,
    );
  if (fail.errorClass === 'misconfigured') return open(`misconfigured ${describeFailure(fail)}`);
  if (streak.length >= config.failureThreshold) {
    return open(`${config.failureThreshold} consecutive failures within ${config.windowMs} ms`);
  }
  const { calls, failures } = windowTotals(
    pruneWindow(next.buckets, nowMs, config.windowMs, config.bucketMs),
  );
  if (calls >= config.minimumCalls && failures / calls >= config.failureRate) {
    return open(
      `failure rate ${failures}/${calls} reached ${config.failureRate} after ${calls} calls`,
    );
  }
  return same(next);
}

function release(state: BreakerState, probe: boolean): Decision {
  if (state.name === 'half_open' && probe)
    return same({ ...state, probes: Math.max(0, state.probes - 1) });
  return same(state);
}

function force(
  state: BreakerState,
  to: 'forced_open' | 'forced_closed',
  reason: string,
  nowMs: number,
): Decision {
  if (state.name === to) return same(state);
  const next: BreakerState = {
    name: to,
    sinceMs: nowMs,
    buckets: state.buckets,
    lastErrors: state.lastErrors,
  };
  return moved(state, next, reason);
}
