import type { RedisClient, RedisSource } from '../util/redis.js';
import type { BreakerAction } from '../breaker/types.js';
import { loadConfig } from '../config/load.js';
import { type LadderConfig, type RedisDurability, redisSource } from '../config/types.js';
import { DEFAULT_WAIT_TIMEOUT_MS } from '../config/normalise-redis.js';
import type { JobResult } from '../ladder/result.js';
import type { LadderState } from '../ladder/state.js';
import type { JobEvent } from '../streaming/events.js';
import type { EventsOptions } from '../streaming/reader.js';
import { HttpLadderOps } from './http-client.js';
import type { EnqueueAnswer, LadderOps, ResultOptions } from './ladder-ops.js';
import { openRedisOps } from './open-redis-ops.js';

export type LadderClientOptions =
  /** Over Redis; the ladder's definition is read from Redis (published by any started process). */
  | {
      /** A URL, a sentinel or cluster endpoint (as the config's `redis:` block gives), or an open client. */
      redis: RedisSource | RedisClient;
      prefix?: string;
      /** `replicated`: an enqueue is answered once a replica has it (NotReplicatedError if not). */
      durability?: RedisDurability;
      /** How long `replicated` waits for a replica. Default 1000. */
      waitTimeoutMs?: number;
    }
  /** Over the HTTP API. */
  | { url: string; token?: string }
  /** Over Redis, with the Redis URL, prefix and ladder taken from a config file or object. */
  | { config: string | LadderConfig };

/**
 * The TypeScript client: the same methods over Redis or HTTP.
 *
 * ```ts
 * const ladder = new LadderClient({ redis: 'redis://127.0.0.1:6379' });
 * const { id } = await ladder.enqueue({ request: { messages: [{ role: 'user', content: 'Hi' }] } });
 * const result = await ladder.result(id, { timeoutMs: 60_000 });
 * ```
 */
export class LadderClient implements LadderOps {
  private readonly ops: Promise<LadderOps>;

  constructor(options: LadderClientOptions) {
    this.ops = LadderClient.open(options);
    // Connection errors surface on the first call that needs the connection.
    this.ops.catch(() => undefined);
  }

  private static async open(options: LadderClientOptions): Promise<LadderOps> {
    if ('url' in options) return new HttpLadderOps({ url: options.url, token: options.token });
    if ('config' in options) {
      const config =
        typeof options.config === 'string'
          ? loadConfig({ path: options.config, env: process.env })
          : options.config;
      return openRedisOps({ url: redisSource(config.redis), prefix: config.redis.prefix, config });
    }
    return openRedisOps({
      url: options.redis,
      prefix: options.prefix ?? 'ladder',
      durability: {
        durability: options.durability ?? 'async',
        waitTimeoutMs: options.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS,
      },
    });
  }

  async enqueue(job: unknown): Promise<EnqueueAnswer> {
    return (await this.ops).enqueue(job);
  }
  async enqueueMany(jobs: readonly unknown[]): Promise<EnqueueAnswer[]> {
    return (await this.ops).enqueueMany(jobs);
  }
  async get(id: string): Promise<JobResult | null> {
    return (await this.ops).get(id);
  }
  async result(id: string, options?: ResultOptions): Promise<JobResult | null> {
    return (await this.ops).result(id, options);
  }
  async cancel(id: string): Promise<JobResult | null> {
    return (await this.ops).cancel(id);
  }
  async ladder(): Promise<LadderState> {
    return (await this.ops).ladder();
  }
  async breaker(target: string, action: BreakerAction): Promise<void> {
    return (await this.ops).breaker(target, action);
  }
  /**
   * A job's events as they happen, over Redis or HTTP: `delta`, `attempt`, `restart` (discard the
   * answer so far), then `final` with the record. Throws UnknownJobError for an unknown job and
   * BadEventIdError for a `lastEventId` that is not one of its events.
   *
   * ```ts
   * for await (const event of ladder.stream(id)) {
   *   if (event.type === 'delta' && 'text' in event.data) process.stdout.write(event.data.text);
   * }
   * ```
   */
  async *stream(id: string, options: EventsOptions = {}): AsyncGenerator<JobEvent> {
    const ops = await this.ops;
    if (!ops.events) throw new Error('this client cannot read job events');
    yield* await ops.events(id, options);
  }
  async close(): Promise<void> {
    const ops = await this.ops.catch(() => undefined);
    await ops?.close();
  }
}
