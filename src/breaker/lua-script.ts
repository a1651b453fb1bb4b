import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RedisClient } from '../util/redis.js';

/**
 * A Lua script file run with EVALSHA, falling back to EVAL when the server has not seen it (after a
 * restart or on a fresh cluster node). The key count comes from the file name, as in BullMQ.
 */
export class LuaScript {
  readonly numberOfKeys: number;
  private readonly source: string;
  private readonly sha: string;

  constructor(file: URL) {
    const match = /-(\d+)\.lua$/.exec(file.pathname);
    if (!match?.[1]) throw new Error(`Lua file ${file.pathname} does not carry its key count`);
    this.numberOfKeys = Number(match[1]);
    this.source = readFileSync(file, 'utf8');
    this.sha = createHash('sha1').update(this.source).digest('hex');
  }

  async run(redis: RedisClient, keys: string[], args: (string | number)[]): Promise<unknown> {
    if (keys.length !== this.numberOfKeys) {
      throw new Error(`script takes ${this.numberOfKeys} keys, got ${keys.length}`);
    }
    try {
      return await redis.evalsha(this.sha, this.numberOfKeys, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.source, this.numberOfKeys, ...keys, ...args);
    }
  }
}
