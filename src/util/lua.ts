import { readFileSync } from 'node:fs';
import type { RedisClient } from './redis.js';

/**
 * Registers a Lua script file as an ioredis command (EVALSHA with EVAL fallback). The key count is
 * read from the file name (`claim-result-1.lua` → 1), as in BullMQ.
 */
export function defineScript(redis: RedisClient, name: string, file: URL): void {
  if (typeof (redis as unknown as Record<string, unknown>)[name] === 'function') return;
  const match = /-(\d+)\.lua$/.exec(file.pathname);
  if (!match?.[1]) throw new Error(`Lua file ${file.pathname} does not carry its key count`);
  redis.defineCommand(name, { numberOfKeys: Number(match[1]), lua: readFileSync(file, 'utf8') });
}

/** Calls a script registered with defineScript. */
export async function runScript(
  redis: RedisClient,
  name: string,
  keys: string[],
  args: (string | number)[],
): Promise<unknown> {
  const command = (
    redis as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>
  )[name];
  if (typeof command !== 'function') throw new Error(`Lua script ${name} is not defined`);
  return command.call(redis, ...keys, ...args);
}
