import type { LevelConfig } from '../config/types.js';
import type { SkipReason } from '../ladder/result.js';
import type { LevelStateName } from '../ladder/state.js';

/** Why a level takes no new jobs: down (breakers), paused (operator) or budget (spent). */
export type Unavailable = Exclude<LevelStateName, 'live'>;

/** The reason a skipped attempt records for each. */
export function skipReasonFor(why: Unavailable | 'deadline'): SkipReason {
  if (why === 'budget') return 'budget';
  if (why === 'deadline') return 'deadline';
  return 'level_down';
}

export interface AvailabilityContext {
  /** `metadata.agent`, for per-agent budgets. */
  agent?: string;
}

/**
 * Whether a level takes new jobs now, answered from local state (no round trip). The breaker
 * (level down), operators (paused) and budgets each contribute; null means available.
 */
export interface LevelAvailability {
  unavailable(level: LevelConfig, context: AvailabilityContext): Unavailable | null;
  /**
   * The exact check a worker makes as it starts a job at a level, where stale local state would
   * let concurrent workers overspend (budgets ask Redis). Absent: the worker does not check.
   */
  admit?(level: LevelConfig, context: AvailabilityContext): Promise<Unavailable | null>;
}

export const ALWAYS_AVAILABLE: LevelAvailability = { unavailable: () => null };

/**
 * Several availabilities as one (breaker level-down, operator pause, budgets): a level is
 * unavailable when any part says so, with the first part's reason; `admit` asks every part that has one.
 */
export function combineAvailability(
  ...parts: (LevelAvailability | undefined)[]
): LevelAvailability {
  const present = parts.filter((p): p is LevelAvailability => p !== undefined);
  const admitting = present.filter((p) => p.admit !== undefined);
  return {
    unavailable(level, context) {
      for (const part of present) {
        const why = part.unavailable(level, context);
        if (why !== null) return why;
      }
      return null;
    },
    ...(admitting.length === 0
      ? {}
      : {
          async admit(level: LevelConfig, context: AvailabilityContext) {
            for (const part of admitting) {
              const why = await part.admit!(level, context);
              if (why !== null) return why;
            }
            return null;
          },
        }),
  };
}

/** First level at or below `from` (and not below `floor`) that is available, with the skipped ones. */
export function firstAvailableLevel(input: {
  levels: LevelConfig[];
  from: number;
  floor: number;
  availability: {
    unavailable(level: LevelConfig, context: AvailabilityContext): Unavailable | 'deadline' | null;
  };
  context: AvailabilityContext;
}): { level: number | null; skipped: { level: LevelConfig; reason: SkipReason }[] } {
  const skipped: { level: LevelConfig; reason: SkipReason }[] = [];
  for (let n = input.from; n <= input.floor; n++) {
    const level = input.levels[n - 1];
    if (!level) break;
    const why = input.availability.unavailable(level, input.context);
    if (why === null) return { level: n, skipped };
    skipped.push({ level, reason: skipReasonFor(why) });
  }
  return { level: null, skipped };
}
