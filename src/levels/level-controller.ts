import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../util/redis.js';
import type { LevelConfig } from '../config/types.js';
import type { Keys } from '../ladder/keys.js';
import type { LevelQueues } from '../jobs/queues.js';
import type { Logger } from '../util/log.js';
import { isLevelDown } from './level-down.js';
import type { LevelStates } from './level-states.js';
import type { Breakers, BreakerStateName } from '../breaker/types.js';

export interface LevelControllerOptions {
  levels: LevelConfig[];
  breakers: Breakers;
  queues: LevelQueues;
  redis: RedisClient;
  keys: Keys;
  levelStates: LevelStates;
  /** Moves a down level's waiting jobs further down; answers how many moved. */
  sweep: (level: LevelConfig) => Promise<number>;
  logger: Logger;
  /** Down levels are re-checked and re-swept this often (jobs keep arriving from raw producers and delays). Default 1000. */
  intervalMs?: number;
  /** A controller that dies holding the lock blocks others this long at most. Default 30000. */
  lockMs?: number;
}

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Makes a level's queue follow its breakers, in every worker process: when no target can take a
 * call the queue is paused for all workers (BullMQ global pause, marked as the breaker's) and its
 * backlog moved down; when a target half-opens it is resumed so probes can flow. A queue paused
 * by an operator (not marked) is never resumed here. Decisions are taken under a per-level lock
 * from the breakers' state in Redis, so processes acting at once cannot undo each other.
 */
export class LevelController {
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  constructor(private readonly options: LevelControllerOptions) {}

  start(): this {
    const { levels, breakers } = this.options;
    this.unsubscribe = breakers.onTransition((t) => {
      for (const level of levels) {
        if (level.kind === 'llm' && level.targets.some((x) => x.id === t.target))
          this.schedule(level);
      }
    });
    this.timer = setInterval(() => {
      for (const level of levels) {
        if (
          this.options.levelStates.isDown(level) ||
          this.options.levelStates.pausedBy(level.name) === 'breaker'
        )
          this.schedule(level);
      }
    }, this.options.intervalMs ?? 1_000);
    this.timer.unref();
    for (const level of levels) if (level.kind === 'llm') this.schedule(level);
    return this;
  }

  /** Runs one evaluation per level at a time; a request during one runs once more after it. */
  private schedule(level: LevelConfig): void {
    if (this.running.has(level.name)) {
      this.again.add(level.name);
      return;
    }
    const run = this.evaluate(level)
      .catch((error: unknown) =>
        this.options.logger.warn(
          { ladder_level: level.name, err: String(error) },
          'level check failed',
        ),
      )
      .finally(() => {
        this.running.delete(level.name);
        if (this.again.delete(level.name)) this.schedule(level);
      });
    this.running.set(level.name, run);
  }

  async evaluate(level: LevelConfig): Promise<void> {
    if (level.kind !== 'llm') return;
    const { redis, keys, queues, breakers, logger } = this.options;
    const lock = keys.levelLock(level.name);
    const token = randomUUID();
    if ((await redis.set(lock, token, 'PX', this.options.lockMs ?? 30_000, 'NX')) !== 'OK') return;
    try {
      const states = new Map<string, BreakerStateName>();
      for (const t of level.targets) states.set(t.id, (await breakers.snapshot(t.id)).state);
      const down = isLevelDown(level, (t) => states.get(t) ?? 'closed');
      const queue = queues.queue(level.name);
      const [paused, mark] = await Promise.all([
        queue.isPaused(),
        redis.hget(keys.levelPauses(), level.name),
      ]);
      if (down) {
        if (!paused) {
          await redis.hset(keys.levelPauses(), level.name, 'breaker');
          await queue.pause();
          logger.warn(
            { ladder_level: level.name, targets: Object.fromEntries(states) },
            'level down: no target can take a call; queue paused',
          );
        } else if (mark !== 'breaker') {
          return; // An operator's pause: their jobs wait where they are.
        }
        const moved = await this.options.sweep(level);
        if (moved > 0)
          logger.info({ ladder_level: level.name, moved }, 'moved waiting jobs off a down level');
      } else if (mark === 'breaker') {
        if (paused) await queue.resume();
        await redis.hdel(keys.levelPauses(), level.name);
        logger.info(
          { ladder_level: level.name, targets: Object.fromEntries(states) },
          'level back: a target can take calls; queue resumed',
        );
      }
    } finally {
      await redis.eval(RELEASE, 1, lock, token).catch(() => undefined);
      await this.options.levelStates.refresh().catch(() => undefined);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.unsubscribe?.();
    await Promise.allSettled([...this.running.values()]);
  }
}
