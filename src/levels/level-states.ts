import type { RedisClient } from '../util/redis.js';
import type { LevelConfig } from '../config/types.js';
import type { AvailabilityContext, LevelAvailability, Unavailable } from './availability.js';
import type { Keys } from '../ladder/keys.js';
import type { LevelQueues } from '../jobs/queues.js';
import { isLevelDown, type PausedBy } from './level-down.js';
import type { Breakers } from '../breaker/types.js';

export interface LevelStatesOptions {
  levels: LevelConfig[];
  breakers: Breakers;
  queues: LevelQueues;
  redis: RedisClient;
  keys: Keys;
  /** How often operator pauses are re-read. Default 500. */
  refreshMs?: number;
}

/**
 * Which levels take new jobs, as this process sees them and without a round trip per job:
 * `down` from the breakers' local state (kept current by their announcements), `paused` from a
 * periodic read of the queues' pause flags and of who set them.
 */
export class LevelStates implements LevelAvailability {
  private paused = new Map<string, PausedBy>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LevelStatesOptions) {}

  async start(): Promise<this> {
    await this.refresh();
    this.timer = setInterval(
      () => void this.refresh().catch(() => undefined),
      this.options.refreshMs ?? 500,
    );
    this.timer.unref();
    return this;
  }

  /** Re-reads who paused which queue. A queue paused without the breaker's mark is an operator's. */
  async refresh(): Promise<void> {
    const { levels, queues, redis, keys } = this.options;
    const [marks, pausedFlags] = await Promise.all([
      redis.hgetall(keys.levelPauses()),
      Promise.all(levels.map((l) => queues.queue(l.name).isPaused())),
    ]);
    const next = new Map<string, PausedBy>();
    levels.forEach((level, i) => {
      if (!pausedFlags[i]) return;
      next.set(level.name, marks[level.name] === 'breaker' ? 'breaker' : 'operator');
    });
    this.paused = next;
  }

  pausedBy(level: string): PausedBy | undefined {
    return this.paused.get(level);
  }

  isDown(level: LevelConfig): boolean {
    return isLevelDown(level, (t) => this.options.breakers.state(t));
  }

  unavailable(level: LevelConfig, _context: AvailabilityContext): Unavailable | null {
    if (this.paused.get(level.name) === 'operator') return 'paused';
    if (this.isDown(level)) return 'down';
    return null;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
