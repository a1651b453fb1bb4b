import type { RedisClient } from '../util/redis.js';
import type { Keys } from '../ladder/keys.js';
import type { CompletionOutput, Usage } from '../providers/contract.js';

export interface CachedResponse {
  output: CompletionOutput;
  usage: Usage | null;
  provider: string;
  model: string;
  level: number;
  at: string;
}

/**
 * Whether an answer may go to the response cache. One cut off at `max_tokens` may not: the cache
 * key leaves `max_tokens` out (see request-hash.ts), so a later caller who asked for 4,000 tokens
 * would be served the stub of a caller who asked for 1 as if it were the whole answer.
 */
export function isCacheable(output: CompletionOutput): boolean {
  return output.stop_reason !== 'max_tokens';
}

/** Successful LLM answers by request hash, with a TTL, for the cached level to serve. */
export class ResponseCache {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly ttlSeconds: number,
  ) {}

  async get(hash: string): Promise<CachedResponse | null> {
    const raw = await this.redis.get(this.keys.cache(hash));
    if (raw === null) return null;
    const entry = JSON.parse(raw) as CachedResponse;
    // Truncated entries written before they were kept out stay a miss until their TTL ends.
    return isCacheable(entry.output) ? entry : null;
  }

  async set(hash: string, response: CachedResponse): Promise<void> {
    const entry = this.entry(hash, response);
    await this.redis.set(entry.key, entry.json, 'EX', entry.ttlSeconds);
  }

  /** The entry as written, for a caller that writes it together with the job's final record. */
  entry(hash: string, response: CachedResponse): { key: string; json: string; ttlSeconds: number } {
    return {
      key: this.keys.cache(hash),
      json: JSON.stringify(response),
      ttlSeconds: this.ttlSeconds,
    };
  }
}
