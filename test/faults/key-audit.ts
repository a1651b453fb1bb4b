import type { Redis } from 'ioredis';

/**
 * Keys without a TTL that the ladder owns for good: BullMQ's per-queue structures, the jobs a
 * queue keeps as its finished trail (checked against its sets below), the ladder definition, the
 * level pauses and breaker state. Anything else without a TTL is reported.
 */
export function ownedPatterns(prefix: string, queues: string[]): RegExp[] {
  const p = prefix.replace(/[{}]/g, '\\$&');
  const q = `(${queues.join('|')})`;
  return [
    new RegExp(
      `^${p}:${q}:(meta|events|id|wait|active|paused|delayed|prioritized|completed|failed|stalled|stalled-check|marker|pc|limiter|de|repeat|metrics:completed|metrics:failed|metrics:completed:data|metrics:failed:data)$`,
    ),
    new RegExp(`^${p}:ladder:(definition|level-pauses)$`),
    new RegExp(`^${p}:ladder:breaker:[^:]+/[^:]+$`),
  ];
}

export interface KeyAudit {
  total: number;
  withTtl: number;
  owned: number;
  /** BullMQ job hashes kept as a queue's finished trail. */
  trail: number;
  /** Keys without a TTL and without an owner: leaks. */
  unowned: string[];
}

export async function auditKeys(redis: Redis, prefix: string, queues: string[]): Promise<KeyAudit> {
  const patterns = ownedPatterns(prefix, queues);
  const jobKey = new RegExp(`^${prefix.replace(/[{}]/g, '\\$&')}:(${queues.join('|')}):([^:]+)$`);
  const audit: KeyAudit = { total: 0, withTtl: 0, owned: 0, trail: 0, unowned: [] };
  let cursor = '0';
  for (let round = 0; round < 100_000; round++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    for (const key of keys) {
      audit.total++;
      if ((await redis.pttl(key)) >= 0) {
        audit.withTtl++;
        continue;
      }
      if (patterns.some((p) => p.test(key))) {
        audit.owned++;
        continue;
      }
      const job = jobKey.exec(key);
      if (job && (await redis.type(key)) === 'hash') {
        const [queue, id] = [job[1] ?? '', job[2] ?? ''];
        const [done, failed] = await Promise.all([
          redis.zscore(`${prefix}:${queue}:completed`, id),
          redis.zscore(`${prefix}:${queue}:failed`, id),
        ]);
        if (done !== null || failed !== null) {
          audit.trail++;
          continue;
        }
      }
      audit.unowned.push(key);
    }
    cursor = next;
    if (cursor === '0') break;
  }
  return audit;
}

export async function usedMemoryMiB(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const bytes = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}
