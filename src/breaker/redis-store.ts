import type { RedisClient } from '../util/redis.js';
import type { Keys } from '../ladder/keys.js';
import type { Logger } from '../util/log.js';
import { duplicateRedis } from '../util/redis.js';
import { decodeState } from './codec.js';
import { errorRecord, normaliseFailure } from './failure.js';
import { LuaScript } from './lua-script.js';
import { keyTtlMs, type PolicyConfig } from './policy-config.js';
import { decodeAnnouncement, decodeApplyReply } from './redis-reply.js';
import type { BreakerEvent, BreakerState, Decision } from './state.js';
import type { BreakerStore, StoreTransition } from './store.js';
import { closeRedis } from '../util/close-redis.js';
import { whileUp } from '../util/while-up.js';

const applyScript = new LuaScript(new URL('./lua/apply-3.lua', import.meta.url));

export interface RedisBreakerStoreOptions {
  redis: RedisClient;
  /** A connection for SUBSCRIBE; by default one is duplicated from `redis` (and closed with the store). */
  subscriber?: RedisClient;
  keys: Keys;
  config: PolicyConfig;
  logger: Logger;
}

/** Breaker states in Redis; every event is one atomic run of `lua/apply-3.lua`. */
export class RedisBreakerStore implements BreakerStore {
  private readonly redis: RedisClient;
  private readonly keys: Keys;
  private readonly config: PolicyConfig;
  private readonly logger: Logger;
  private readonly given: RedisClient | undefined;
  private subscriber: RedisClient | undefined;

  constructor(options: RedisBreakerStoreOptions) {
    this.redis = options.redis;
    this.keys = options.keys;
    this.config = options.config;
    this.logger = options.logger;
    this.given = options.subscriber;
  }

  private keysOf(target: string): string[] {
    return [
      this.keys.breaker(target),
      this.keys.breakerWindow(target),
      this.keys.breakerErrors(target),
    ];
  }

  private argsOf(target: string, event: BreakerEvent, nowMs: number): string[] {
    const c = this.config;
    const failure = event.type === 'failure' ? normaliseFailure(event.failure) : null;
    return [
      String(nowMs),
      event.type,
      'probe' in event && event.probe ? '1' : '0',
      event.type === 'success' ? String(event.count) : '0',
      event.type === 'success' ? String(event.atMs) : String(nowMs),
      failure?.errorClass ?? '',
      failure?.status == null ? '' : String(failure.status),
      failure?.retryAfterMs == null ? '' : String(failure.retryAfterMs),
      failure?.message ?? '',
      failure ? JSON.stringify(errorRecord(failure, nowMs)) : '',
      event.type === 'force' ? event.action : '',
      target,
      this.keys.breakerChannel(),
      ...[
        c.failureThreshold,
        c.windowMs,
        c.failureRate,
        c.minimumCalls,
        c.resetTimeoutMs,
        c.maxResetTimeoutMs,
        c.halfOpenMaxCalls,
        c.halfOpenSuccesses,
        c.probeLeaseMs,
        c.maxErrors,
        c.bucketMs,
        keyTtlMs(c),
      ].map(String),
    ];
  }

  async apply(target: string, event: BreakerEvent, nowMs: number): Promise<Decision> {
    const reply = await applyScript.run(
      this.redis,
      this.keysOf(target),
      this.argsOf(target, event, nowMs),
    );
    return decodeApplyReply(reply, nowMs, this.config);
  }

  async read(target: string, nowMs: number): Promise<BreakerState> {
    const [stateKey, windowKey, errorsKey] = this.keysOf(target) as [string, string, string];
    // One round trip; MULTI keeps the three reads consistent with each other.
    const results = await this.redis
      .multi()
      .hgetall(stateKey)
      .hgetall(windowKey)
      .lrange(errorsKey, 0, -1)
      .exec();
    if (!results) throw new Error('breaker read: transaction aborted');
    const values = results.map(([error, value]) => {
      if (error) throw error;
      return value;
    });
    return decodeState(
      {
        fields: (values[0] ?? {}) as Record<string, string>,
        window: (values[1] ?? {}) as Record<string, string>,
        errors: (values[2] ?? []) as string[],
      },
      nowMs,
      this.config,
    );
  }

  async subscribe(
    listener: (transition: StoreTransition) => void,
    onResync?: () => void,
  ): Promise<() => Promise<void>> {
    const channel = this.keys.breakerChannel();
    const subscriber = this.given ?? (this.subscriber ??= duplicateRedis(this.redis));
    const onMessage = (from: string, message: string): void => {
      if (from !== channel) return;
      const transition = decodeAnnouncement(message, this.config);
      if (transition) listener(transition);
      else this.logger.warn({ channel }, 'ignored a malformed breaker announcement');
    };
    // ioredis re-subscribes after a reconnect; what was published meanwhile is lost, so re-read.
    let first = true;
    const onReady = (): void => {
      if (first) return;
      onResync?.();
    };
    const onError = (error: Error): void => {
      this.logger.warn({ err: error.message }, 'breaker subscriber connection error');
    };
    subscriber.on('message', onMessage);
    subscriber.on('ready', onReady);
    if (!this.given) subscriber.on('error', onError);
    await subscriber.subscribe(channel);
    first = false;
    return async () => {
      subscriber.off('message', onMessage);
      subscriber.off('ready', onReady);
      // Our own subscriber is closed with the store, which ends its subscription. A given one
      // stays open for others: UNSUBSCRIBE is sent, not waited for, since on a patient connection
      // whose server just went away (status still `ready` until the socket's 'close') it would be
      // kept for a reconnect for ever: that hung `ladder api`'s shutdown.
      if (this.given && subscriber.status === 'ready')
        subscriber.unsubscribe(channel).catch(() => undefined);
    };
  }

  async settle(work: Promise<unknown>): Promise<void> {
    await whileUp(this.redis, work);
  }

  async close(): Promise<void> {
    const owned = this.subscriber;
    this.subscriber = undefined;
    if (owned) await closeRedis(owned);
  }
}
