/**
 * The `redis:` block: which of the three forms (`url`, `sentinel`, `cluster`), its environment
 * fallbacks, and the checks that span keys (one form only; a hash-tagged prefix on a cluster).
 */
import type { RedisAddress, RedisEndpoint } from '../util/redis.js';
import { DEFAULT_REDIS_PREFIX, DEFAULT_REDIS_URL } from './defaults.js';
import { problem, type ConfigProblem } from './errors.js';
import type { Env } from './interpolate.js';
import { describeValue } from './path.js';
import type { CommonInput } from './schema.js';
import type { RedisConfig } from './types.js';

type RedisInput = CommonInput['redis'];
type SentinelInput = NonNullable<NonNullable<RedisInput>['sentinel']>;
type ClusterInput = NonNullable<NonNullable<RedisInput>['cluster']>;

/**
 * Environment variables for the forms a file does not set, so the CLI and compose need no file
 * edits: `REDIS_URL`; `REDIS_SENTINELS` (comma-separated host:port) with `REDIS_SENTINEL_NAME`
 * and optional `REDIS_SENTINEL_PASSWORD`; `REDIS_CLUSTER_NODES` (comma-separated
 * redis://host:port). `REDIS_PASSWORD` is the data password of the sentinel and cluster forms, and of a URL without one.
 */
export const REDIS_ENV = {
  url: 'REDIS_URL',
  sentinels: 'REDIS_SENTINELS',
  sentinelName: 'REDIS_SENTINEL_NAME',
  sentinelPassword: 'REDIS_SENTINEL_PASSWORD',
  clusterNodes: 'REDIS_CLUSTER_NODES',
  password: 'REDIS_PASSWORD',
  durability: 'REDIS_DURABILITY',
} as const;

/** How long `replicated` waits for a replica's acknowledgement by default. */
export const DEFAULT_WAIT_TIMEOUT_MS = 1_000;

function durability(
  input: RedisInput,
  env: Env,
  problems: ConfigProblem[],
): Pick<RedisConfig, 'durability' | 'waitTimeoutMs'> {
  const waitTimeoutMs = input?.wait_timeout_ms ?? DEFAULT_WAIT_TIMEOUT_MS;
  if (input?.durability) return { durability: input.durability, waitTimeoutMs };
  const fromEnv = nonEmpty(env[REDIS_ENV.durability]);
  if (fromEnv === undefined || fromEnv === 'async') return { durability: 'async', waitTimeoutMs };
  if (fromEnv === 'replicated') return { durability: 'replicated', waitTimeoutMs };
  problems.push(
    problem('redis.durability', 'async or replicated', describeValue(fromEnv), {
      hint: `taken from the environment variable ${REDIS_ENV.durability}`,
    }),
  );
  return { durability: 'async', waitTimeoutMs };
}

/** Empty strings count as unset, so `${VAR:-}` in a file means "fall back to the default". */
function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * `REDIS_PASSWORD` applies to a URL that carries none, so compose can keep the secret out of the
 * URL (and switch forms by unsetting `REDIS_URL`). A password in the URL wins.
 */
function withPassword(url: string, password: string | undefined): string {
  if (password === undefined) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password !== '' || !/^rediss?:$/.test(parsed.protocol)) return url;
    parsed.password = encodeURIComponent(password);
    return parsed.toString();
  } catch {
    return url;
  }
}

/** A hash tag at the start of every key: `{tag}` with a non-empty tag before any other `{`. */
export function hasHashTag(prefix: string): boolean {
  return /^[^{]*\{[^}]+\}/.test(prefix);
}

function address(value: string, path: string, problems: ConfigProblem[]): RedisAddress {
  const match = /^\[?([^\]\s]+?)\]?:(\d{1,5})$/.exec(value.trim());
  const port = Number(match?.[2]);
  if (!match?.[1] || !(port >= 1 && port <= 65_535)) {
    problems.push(problem(path, 'a sentinel address "host:port"', describeValue(value)));
    return { host: value, port: 26_379 };
  }
  return { host: match[1], port };
}

function nodeUrl(value: string, path: string, problems: ConfigProblem[]): string {
  const url = /^rediss?:\/\//.test(value) ? value : `redis://${value}`;
  let ok = false;
  try {
    const parsed = new URL(url);
    ok = parsed.hostname !== '' && /^\d{0,5}$/.test(parsed.port);
  } catch {
    ok = false;
  }
  if (!ok) problems.push(problem(path, 'a cluster node "redis://host:port"', describeValue(value)));
  return url;
}

/** The forms given in the file, else those given in the environment; never a mix. */
function chooseForm(
  input: RedisInput,
  env: Env,
  problems: ConfigProblem[],
):
  | { kind: 'url'; url: string; fromEnv: boolean }
  | { kind: 'sentinel'; value: SentinelInput; fromEnv: boolean }
  | { kind: 'cluster'; value: ClusterInput; fromEnv: boolean } {
  const fileUrl = nonEmpty(input?.url);
  const inFile = [
    ...(fileUrl === undefined ? [] : ['redis.url']),
    ...(input?.sentinel ? ['redis.sentinel'] : []),
    ...(input?.cluster ? ['redis.cluster'] : []),
  ];
  if (inFile.length > 1) {
    problems.push(
      problem(
        inFile.join(' and '),
        'only one of redis.url, redis.sentinel or redis.cluster',
        inFile.length === 2 ? 'both' : 'all three',
        {
          hint: 'a ladder talks to one Redis: a server, a Sentinel-managed master or a cluster',
        },
      ),
    );
  }
  if (fileUrl !== undefined) return { kind: 'url', url: fileUrl, fromEnv: false };
  if (input?.sentinel) return { kind: 'sentinel', value: input.sentinel, fromEnv: false };
  if (input?.cluster) return { kind: 'cluster', value: input.cluster, fromEnv: false };

  const envUrl = nonEmpty(env[REDIS_ENV.url]);
  const sentinels = nonEmpty(env[REDIS_ENV.sentinels]);
  const nodes = nonEmpty(env[REDIS_ENV.clusterNodes]);
  const inEnv = [
    ...(envUrl === undefined ? [] : [REDIS_ENV.url]),
    ...(sentinels === undefined ? [] : [REDIS_ENV.sentinels]),
    ...(nodes === undefined ? [] : [REDIS_ENV.clusterNodes]),
  ];
  if (inEnv.length > 1) {
    problems.push(
      problem(
        'redis',
        `only one of ${REDIS_ENV.url}, ${REDIS_ENV.sentinels} or ${REDIS_ENV.clusterNodes}`,
        `${inEnv.join(' and ')} set together`,
        {
          hint: 'unset the others (an empty value counts as unset)',
        },
      ),
    );
  }
  const password = nonEmpty(env[REDIS_ENV.password]);
  if (sentinels !== undefined) {
    const sentinelPassword = nonEmpty(env[REDIS_ENV.sentinelPassword]);
    return {
      kind: 'sentinel',
      fromEnv: true,
      value: {
        name: nonEmpty(env[REDIS_ENV.sentinelName]) ?? '',
        sentinels: list(sentinels),
        ...(password === undefined ? {} : { password }),
        ...(sentinelPassword === undefined ? {} : { sentinel_password: sentinelPassword }),
      },
    };
  }
  if (nodes !== undefined) {
    return {
      kind: 'cluster',
      fromEnv: true,
      value: { nodes: list(nodes), ...(password === undefined ? {} : { password }) },
    };
  }
  return { kind: 'url', url: envUrl ?? DEFAULT_REDIS_URL, fromEnv: envUrl !== undefined };
}

function sentinelEndpoint(
  value: SentinelInput,
  fromEnv: boolean,
  problems: ConfigProblem[],
): RedisEndpoint {
  const base = fromEnv ? REDIS_ENV.sentinels : 'redis.sentinel.sentinels';
  if (value.name === '') {
    problems.push(
      problem(
        fromEnv ? REDIS_ENV.sentinelName : 'redis.sentinel.name',
        'the master name the sentinels monitor',
        'nothing',
        {
          ...(fromEnv
            ? { hint: `${REDIS_ENV.sentinels} is set, so ${REDIS_ENV.sentinelName} is needed too` }
            : {}),
        },
      ),
    );
  }
  return {
    kind: 'sentinel',
    name: value.name,
    sentinels: value.sentinels.map((s, i) => address(s, fromEnv ? base : `${base}.${i}`, problems)),
    ...(value.password === undefined ? {} : { password: value.password }),
    ...(value.sentinel_password === undefined ? {} : { sentinelPassword: value.sentinel_password }),
    tls: value.tls ?? false,
  };
}

function clusterEndpoint(
  value: ClusterInput,
  fromEnv: boolean,
  problems: ConfigProblem[],
): RedisEndpoint {
  const base = fromEnv ? REDIS_ENV.clusterNodes : 'redis.cluster.nodes';
  return {
    kind: 'cluster',
    nodes: value.nodes.map((n, i) => nodeUrl(n, fromEnv ? base : `${base}.${i}`, problems)),
    ...(value.password === undefined ? {} : { password: value.password }),
    tls: value.tls ?? false,
  };
}

export function redisConfig(input: RedisInput, env: Env, problems: ConfigProblem[]): RedisConfig {
  const form = chooseForm(input, env, problems);
  const prefix = input?.prefix ?? DEFAULT_REDIS_PREFIX;
  const writes = durability(input, env, problems);
  if (form.kind === 'url') {
    if (!/^rediss?:\/\/\S+$/.test(form.url)) {
      problems.push(
        problem('redis.url', 'a Redis URL (redis://... or rediss://...)', describeValue(form.url), {
          ...(form.fromEnv ? { hint: `taken from the environment variable ${REDIS_ENV.url}` } : {}),
        }),
      );
    }
    return { url: withPassword(form.url, nonEmpty(env[REDIS_ENV.password])), prefix, ...writes };
  }
  const endpoint =
    form.kind === 'sentinel'
      ? sentinelEndpoint(form.value, form.fromEnv, problems)
      : clusterEndpoint(form.value, form.fromEnv, problems);
  if (endpoint.kind === 'cluster' && !hasHashTag(prefix)) {
    const tag = prefix.replace(/[{}]/g, '') || DEFAULT_REDIS_PREFIX;
    problems.push(
      problem('redis.prefix', 'a hash-tagged prefix on Redis Cluster', describeValue(prefix), {
        hint: `use "{${tag}}": every key then shares one slot, as BullMQ's and the ladder's Lua scripts need`,
      }),
    );
  }
  return { url: '', prefix, endpoint, ...writes };
}
