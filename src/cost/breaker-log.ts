import type { RedisClient } from '../util/redis.js';
import type { Keys } from '../ladder/keys.js';

const OPEN_STATES = new Set(['open', 'forced_open']);

/**
 * Seconds a target's breaker spent open (or forced open) inside [sinceMs, untilMs], from its
 * transition log. The state at `sinceMs` is the last logged before it; with none, closed.
 */
export function openSeconds(
  entries: readonly { atMs: number; to: string }[],
  sinceMs: number,
  untilMs: number,
): number {
  let open = false;
  let openedAt = sinceMs;
  let total = 0;
  for (const e of [...entries].sort((a, b) => a.atMs - b.atMs)) {
    if (e.atMs > untilMs) break;
    const nowOpen = OPEN_STATES.has(e.to);
    const at = Math.max(e.atMs, sinceMs);
    if (nowOpen && !open) openedAt = at;
    if (!nowOpen && open) total += at - openedAt;
    open = nowOpen;
  }
  if (open) total += untilMs - openedAt;
  return Math.round(total / 1000);
}

export async function readBreakerLogs(
  redis: RedisClient,
  keys: Keys,
  targets: string[],
  untilMs: number,
): Promise<Map<string, { atMs: number; to: string }[]>> {
  const pipeline = redis.pipeline();
  for (const t of targets) pipeline.zrangebyscore(keys.breakerLog(t), '-inf', untilMs);
  const replies = (await pipeline.exec()) ?? [];
  const logs = new Map<string, { atMs: number; to: string }[]>();
  targets.forEach((t, i) => {
    const members = (replies[i]?.[1] as string[] | undefined) ?? [];
    logs.set(
      t,
      members.map((m) => {
        const [at, to] = m.split('|');
        return { atMs: Number(at), to: to ?? 'closed' };
      }),
    );
  });
  return logs;
}
