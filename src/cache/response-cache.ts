import type { Redis } from 'ioredis';
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

/** Successful LLM answers by request hash, with a TTL, for the cached level to serve. */
export class ResponseCache {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly ttlSeconds: number,
  ) {}

  async get(hash: string): Promise<CachedResponse | null> {
    const raw = await this.redis.get(this.keys.cache(hash));
    return raw === null ? null : (JSON.parse(raw) as CachedResponse);
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
