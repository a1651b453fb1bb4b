import type { Keys } from '../ladder/keys.js';
import { ReplicaWait } from '../util/replica-wait.js';
import { connectRedis, duplicateRedis, type RedisClient } from '../util/redis.js';

/** How many replicas `redis.durability: replicated` waits for. */
export const REPLICAS_TO_WAIT_FOR = 1;

/**
 * The replica check of `redis.durability: replicated`, on its own connection copied from `like`
 * (same server, sentinels or cluster, same fail-fast or patient role), keyed in the ladder's slot.
 */
export async function openReplicaWait(
  like: RedisClient,
  keys: Keys,
  timeoutMs: number,
): Promise<ReplicaWait> {
  const redis = duplicateRedis(like);
  await connectRedis(redis).catch(() => undefined);
  return new ReplicaWait({
    redis,
    probeKey: keys.custom('replication'),
    replicas: REPLICAS_TO_WAIT_FOR,
    timeoutMs,
  });
}
