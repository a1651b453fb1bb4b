import type { BreakerStateName } from '../breaker/types.js';
import type { LadderState, LevelStateName } from '../ladder/state.js';
import type { LadderOps } from '../producer/ladder-ops.js';
import { breakerState, levelState, queueDepth, registry, stateUp } from './registry.js';

const BREAKER_STATES: readonly BreakerStateName[] = [
  'closed',
  'open',
  'half_open',
  'forced_open',
  'forced_closed',
];
const LEVEL_STATES: readonly LevelStateName[] = ['live', 'down', 'paused', 'budget'];
const DEPTH_STATES = ['waiting', 'active', 'delayed'] as const;

/** Sets the gauges from the ladder state now; they are reset so removed targets disappear. */
async function collectLadderGauges(ops: LadderOps): Promise<void> {
  let state: LadderState;
  try {
    state = await ops.ladder();
  } catch {
    // A scrape during a Redis outage still answers, with ladder_state_up 0 to alert on.
    stateUp.set(0);
    return;
  }
  // Reset and set with no await between, so a concurrent scrape never sees half the gauges.
  breakerState.reset();
  queueDepth.reset();
  levelState.reset();
  for (const level of state.levels) {
    for (const name of DEPTH_STATES)
      queueDepth.set({ level: level.name, state: name }, level.queue[name]);
    for (const name of LEVEL_STATES)
      levelState.set({ level: level.name, state: name }, level.state === name ? 1 : 0);
    for (const target of level.targets) {
      for (const name of BREAKER_STATES) {
        breakerState.set(
          { target: target.target, state: name },
          target.breaker.state === name ? 1 : 0,
        );
      }
    }
  }
  stateUp.set(1);
}

/**
 * The Prometheus text. With `ops`, the breaker, level and queue gauges are read at scrape time
 * (a process that only runs workers can call it without). Content type: `registry.contentType`.
 */
export async function renderMetrics(ops?: LadderOps): Promise<string> {
  if (ops !== undefined) await collectLadderGauges(ops);
  return registry.metrics();
}

/** For tests: zero every counter between cases. */
export function resetMetrics(): void {
  registry.resetMetrics();
}
