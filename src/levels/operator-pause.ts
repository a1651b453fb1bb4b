import type { Queue } from 'bullmq';
import type { RedisClient } from '../util/redis.js';
import type { Keys } from '../ladder/keys.js';

/**
 * An operator's pause: marked as theirs so the breaker, which resumes only what it paused, leaves
 * it alone. Resuming clears the mark; a level that is down is paused again by the breaker.
 */
export async function pauseLevel(input: {
  redis: RedisClient;
  keys: Keys;
  queue: Queue;
}): Promise<void> {
  await input.redis.hset(input.keys.levelPauses(), input.queue.name, 'operator');
  await input.queue.pause();
}

export async function resumeLevel(input: {
  redis: RedisClient;
  keys: Keys;
  queue: Queue;
}): Promise<void> {
  await input.redis.hdel(input.keys.levelPauses(), input.queue.name);
  await input.queue.resume();
}
