import type { RedisClient } from '../util/redis.js';
import type { TargetLimits } from '../config/types.js';
import type { Keys } from '../ladder/keys.js';
import { quotaKeys } from './keys.js';
import type { TargetQuotaState } from './types.js';

/** A process's local in-flight count older than this is from a process that stopped. */
const FRESH_MS = 5000;

function num(value: string | undefined): number | null {
  const n = Number(value);
  return value === undefined || !Number.isFinite(n) ? null : n;
}

/** Reads each target's quota for the ladder state, in one pipeline. */
export async function readQuotaStates(input: {
  redis: RedisClient;
  keys: Keys;
  targets: string[];
  limits: Record<string, TargetLimits>;
  nowMs: number;
}): Promise<Record<string, TargetQuotaState>> {
  const { redis, nowMs } = input;
  const pipe = redis.pipeline();
  for (const target of input.targets) {
    const k = quotaKeys(input.keys, target);
    pipe.hgetall(k.state);
    pipe.hgetall(k.buckets);
    pipe.zcount(k.inflight, nowMs, '+inf');
    pipe.zcard(k.waiting);
  }
  const replies = (await pipe.exec()) ?? [];
  const at = (i: number): unknown => replies[i]?.[1];
  const out: Record<string, TargetQuotaState> = {};
  const nowSec = Math.floor(nowMs / 1000);
  input.targets.forEach((target, t) => {
    const state = (at(t * 4) ?? {}) as Record<string, string>;
    const buckets = (at(t * 4 + 1) ?? {}) as Record<string, string>;
    let requests = 0;
    let tokens = 0;
    for (const [field, value] of Object.entries(buckets)) {
      const second = Number(field.slice(2));
      if (second <= nowSec - 60) continue;
      if (field.startsWith('r:')) requests += Number(value);
      else tokens += Number(value);
    }
    let local = 0;
    for (const [field, value] of Object.entries(state)) {
      if (!field.startsWith('p:')) continue;
      const [count, stamp] = value.split(':').map(Number);
      if (count !== undefined && stamp !== undefined && nowMs - stamp < FRESH_MS) local += count;
    }
    const satUntil = num(state.sat_until) ?? 0;
    const rpm = num(state.learned_rpm);
    const tpm = num(state.learned_tpm);
    out[target] = {
      limit: input.limits[target] ?? null,
      learned: rpm === null && tpm === null ? null : { rpm, tpm },
      last_minute: { requests, tokens: Math.max(0, tokens) },
      in_flight: Number(at(t * 4 + 2) ?? 0) + local,
      waiting: Number(at(t * 4 + 3) ?? 0),
      saturated_until: satUntil > nowMs ? new Date(satUntil).toISOString() : null,
      rate_limited: num(state.count_429) ?? 0,
    };
  });
  return out;
}
