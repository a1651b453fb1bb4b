/**
 * Several ladders in one `ladder api`: which files to read, each ladder's name, and the checks that
 * span files (names unique, the HTTP server's own settings agreed). Like load.ts, the environment
 * is a parameter.
 */
import { resolve } from 'node:path';
import { ConfigError, problem } from './errors.js';
import type { Env } from './interpolate.js';
import { DEFAULT_CONFIG_FILE } from './load.js';
import { describeValue } from './path.js';
import type { ApiConfig, LadderConfig } from './types.js';

/** A ladder's name as a URL path segment takes it: `/ladders/{name}/v1/...`. */
export const LADDER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The ladder's name: its Redis prefix without hash-tag braces (`{team-a}` → `team-a`). */
export function ladderNameOf(prefix: string): string {
  return prefix.replace(/[{}]/g, '');
}

export function isUsableLadderName(name: string): boolean {
  return LADDER_NAME_PATTERN.test(name);
}

/**
 * The config files to read: every `--config`, else `LADDER_CONFIG` (several paths separated by
 * commas), else `./ladder.yaml`; absolute, in the order given.
 */
export function resolveConfigPaths(options: {
  flags: readonly string[];
  env: Env;
  cwd: string;
}): string[] {
  const flags = options.flags.filter((p) => p.trim() !== '');
  if (flags.length > 0) return flags.map((p) => resolve(options.cwd, p));
  const fromEnv = (options.env.LADDER_CONFIG ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const chosen = fromEnv.length > 0 ? fromEnv : [DEFAULT_CONFIG_FILE];
  return chosen.map((p) => resolve(options.cwd, p));
}

/**
 * The `api:` keys that belong to the one HTTP server rather than to a ladder. Every config must
 * agree on them: silently taking one file's value would leave the other file saying something
 * untrue. `api.port` is not compared when `--port` is given.
 */
const SERVER_KEYS: ReadonlyArray<readonly [keyof ApiConfig, string]> = [
  ['port', 'api.port'],
  ['headersTimeoutMs', 'api.headers_timeout_ms'],
  ['requestTimeoutMs', 'api.request_timeout_ms'],
  ['keepAliveTimeoutMs', 'api.keep_alive_timeout_ms'],
  ['maxConnections', 'api.max_connections'],
];

export interface NamedLadderConfig {
  name: string;
  config: LadderConfig;
}

/**
 * Names each ladder and checks the set: a name must be usable in a URL and not taken by an earlier
 * file, and the server's own keys must match the first file's. Throws ConfigError naming the later
 * file and the key.
 */
export function checkLadderSet(
  configs: readonly LadderConfig[],
  options: { portGiven: boolean },
): NamedLadderConfig[] {
  const named: NamedLadderConfig[] = [];
  const first = configs[0];
  for (const config of configs) {
    const name = ladderNameOf(config.redis.prefix);
    if (!isUsableLadderName(name)) {
      throw new ConfigError(config.source, [
        problem(
          'redis.prefix',
          'a prefix whose name without braces is letters, digits, ".", "_" or "-" (it names the ladder in URLs: /ladders/{name}/...)',
          describeValue(config.redis.prefix),
        ),
      ]);
    }
    const taken = named.find((n) => n.name === name);
    if (taken !== undefined) {
      throw new ConfigError(config.source, [
        problem(
          'redis.prefix',
          `a ladder name not taken by ${taken.config.source} (one ladder per name, the prefix without braces)`,
          `${describeValue(config.redis.prefix)}, the ladder name "${name}" again`,
        ),
      ]);
    }
    if (first !== undefined && config !== first) {
      const problems = SERVER_KEYS.filter(([key]) => !(key === 'port' && options.portGiven))
        .filter(([key]) => config.api[key] !== first.api[key])
        .map(([key, path]) =>
          problem(
            path,
            `${describeValue(first.api[key])} as in ${first.source} (one API process has one HTTP server: set it alike in every config${key === 'port' ? ', or pass --port' : ''})`,
            describeValue(config.api[key]),
          ),
        );
      if (problems.length > 0) throw new ConfigError(config.source, problems);
    }
    named.push({ name, config });
  }
  return named;
}
