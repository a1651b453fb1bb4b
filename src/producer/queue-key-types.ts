import type { RedisClient } from '../util/redis.js';

/**
 * The Redis type of every key BullMQ 6.7 keeps directly under a queue (`queue-keys.ts` and its Lua
 * scripts). A key of another type (a job hash written over the queue's `wait` list, for instance)
 * makes every later script on the queue fail with WRONGTYPE, so readiness checks them.
 */
export const BULLMQ_QUEUE_KEY_TYPES: Readonly<Record<string, string>> = {
  wait: 'list',
  active: 'list',
  paused: 'list',
  delayed: 'zset',
  prioritized: 'zset',
  completed: 'zset',
  failed: 'zset',
  'waiting-children': 'zset',
  marker: 'zset',
  repeat: 'zset',
  stalled: 'set',
  id: 'string',
  pc: 'string',
  limiter: 'string',
  'stalled-check': 'string',
  meta: 'hash',
  events: 'stream',
};

/** One line per queue key of the wrong type, naming the key; empty when all is well. */
export async function queueKeyProblems(
  redis: RedisClient,
  prefix: string,
  queueNames: readonly string[],
): Promise<string[]> {
  const checks = queueNames.flatMap((queue) =>
    Object.entries(BULLMQ_QUEUE_KEY_TYPES).map(([name, type]) => ({
      key: `${prefix}:${queue}:${name}`,
      type,
    })),
  );
  const pipeline = redis.pipeline();
  for (const check of checks) pipeline.type(check.key);
  const replies = (await pipeline.exec()) ?? [];
  const problems: string[] = [];
  checks.forEach((check, i) => {
    const [error, found] = replies[i] ?? [null, 'none'];
    if (error) throw error;
    if (found !== 'none' && found !== check.type)
      problems.push(`${check.key} is a ${String(found)} where BullMQ keeps a ${check.type}`);
  });
  return problems;
}
