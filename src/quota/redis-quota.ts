import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../util/redis.js';
import type { QuotaConfig, TargetLimits } from '../config/types.js';
import type { Keys } from '../ladder/keys.js';
import { saturationMs } from '../providers/rate-limit.js';
import { LuaScript } from '../breaker/lua-script.js';
import { quotaKeys, type QuotaKeys } from './keys.js';
import { LocalCounts } from './local-counts.js';
import type { Admission, AdmitRequest, CallEnd, Lease, Quota, QuotaReason } from './types.js';

const ADMIT = new LuaScript(new URL('./lua/admit-6.lua', import.meta.url));
const SETTLE = new LuaScript(new URL('./lua/settle-3.lua', import.meta.url));

/** Quota keys outlive an idle target by an hour, then go. */
export const QUOTA_TTL_MS = 3_600_000;

export interface RedisQuotaOptions {
  redis: RedisClient;
  keys: Keys;
  limits: Record<string, TargetLimits>;
  config: QuotaConfig;
  now: () => number;
  /** How long a 429 with no Retry-After or reset header saturates its target. Default 1000. */
  defaultSaturationMs?: number;
  /** A target found quiet (no limit, not saturated, nobody waiting) is not asked again for this long. Default 1000. */
  quietMs?: number;
  /** Concurrency waits re-ask this often. Default 100. */
  pollMs?: number;
}

/**
 * The quota scheduler over Redis: one Lua call admits (or tells how long to wait), one settles.
 * Targets with nothing to enforce skip the round trip for `quietMs` at a time; their starts are
 * counted locally and flushed, so last-minute use stays visible.
 */
export class RedisQuota implements Quota {
  private readonly quietUntil = new Map<string, number>();
  private readonly counts: LocalCounts;
  private readonly defaultSaturationMs: number;
  private readonly quietMs: number;
  private readonly pollMs: number;
  private readonly process = randomUUID().slice(0, 8);

  constructor(private readonly o: RedisQuotaOptions) {
    this.defaultSaturationMs = o.defaultSaturationMs ?? 1000;
    this.quietMs = o.quietMs ?? 1000;
    this.pollMs = o.pollMs ?? 100;
    this.counts = new LocalCounts({
      redis: o.redis,
      keysFor: (target) => this.keys(target),
      process: this.process,
      now: o.now,
      ttlMs: QUOTA_TTL_MS,
    });
  }

  managed(target: string): boolean {
    return this.o.limits[target] !== undefined || this.o.config.adaptive;
  }

  private keys(target: string): QuotaKeys {
    return quotaKeys(this.o.keys, target);
  }

  async admit(request: AdmitRequest): Promise<Admission> {
    const target = request.target.id;
    const now = this.o.now();
    if ((this.quietUntil.get(target) ?? 0) > now) {
      this.counts.started(target, request.estimatedTokens);
      return {
        kind: 'go',
        lease: { target, id: null, second: Math.floor(now / 1000), estimatedTokens: 0 },
      };
    }
    const limit = this.o.limits[target] ?? {};
    const k = this.keys(target);
    const leaseId = randomUUID();
    const reply = (await ADMIT.run(
      this.o.redis,
      [k.state, k.starts, k.buckets, k.inflight, k.waiting, k.tickets],
      [
        now,
        request.ticket,
        request.agent ?? '',
        request.priority,
        limit.rpm ?? 0,
        limit.tpm ?? 0,
        limit.concurrency ?? 0,
        request.estimatedTokens,
        request.callTimeoutMs + 5000,
        this.o.config.adaptive ? '1' : '0',
        QUOTA_TTL_MS,
        this.pollMs,
        leaseId,
        250,
        Math.max(60_000, request.callTimeoutMs + 5000),
      ],
    )) as [number, number, string, number];
    const [admitted, waitMs, reason, quiet] = reply;
    if (admitted === 1) {
      if (quiet === 1) this.quietUntil.set(target, now + this.quietMs);
      return {
        kind: 'go',
        lease: {
          target,
          id: leaseId,
          second: Math.floor(now / 1000),
          estimatedTokens: request.estimatedTokens,
        },
      };
    }
    return { kind: 'wait', waitMs: Number(waitMs), reason: reason as QuotaReason };
  }

  async settle(lease: Lease, end: CallEnd): Promise<number> {
    if (lease.id === null) this.counts.ended(lease.target);
    const quietOk = lease.id === null && end.kind !== 'saturated';
    const rate = end.kind === 'other' ? null : end.rateLimit;
    // A quiet target's plain success has nothing to tell Redis, unless its headers say it is spent.
    if (quietOk && (rate === null || (rate.remainingRequests !== 0 && rate.remainingTokens !== 0)))
      return 0;
    if (end.kind === 'saturated') {
      this.quietUntil.delete(lease.target);
      // Adaptation cuts from the rate seen lately: the starts counted here must be in Redis first.
      await this.counts.flush();
    }
    const limit = this.o.limits[lease.target] ?? {};
    const usage = end.kind === 'ok' ? end.usage : null;
    const delta =
      usage && lease.id !== null
        ? usage.input_tokens + usage.output_tokens - lease.estimatedTokens
        : 0;
    const satFor =
      end.kind === 'saturated' ? saturationMs(end.rateLimit, end.retryAfterMs ?? null) : null;
    const n = (v: number | null | undefined): string | number =>
      v === null || v === undefined ? '' : v;
    const k = this.keys(lease.target);
    const reply = await SETTLE.run(
      this.o.redis,
      [k.state, k.buckets, k.inflight],
      [
        this.o.now(),
        lease.id ?? '',
        lease.second,
        delta,
        end.kind,
        n(satFor),
        n(rate?.limitRequests),
        n(rate?.remainingRequests),
        n(rate?.resetRequestsMs),
        n(rate?.limitTokens),
        n(rate?.remainingTokens),
        n(rate?.resetTokensMs),
        this.o.config.adaptive && limit.rpm === undefined ? '1' : '0',
        this.defaultSaturationMs,
        QUOTA_TTL_MS,
        this.o.config.adaptive && limit.tpm === undefined ? '1' : '0',
      ],
    );
    const until = Number(reply);
    if (until > 0) this.quietUntil.delete(lease.target);
    return until;
  }

  async leave(target: string, ticket: string): Promise<void> {
    const k = this.keys(target);
    await this.o.redis.multi().zrem(k.waiting, ticket).hdel(k.tickets, `w:${ticket}`).exec();
  }

  async close(): Promise<void> {
    await this.counts.close();
  }
}
