import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { coalesceWrites } from './coalesce-writes.js';

/**
 * Every connection llm-ladder opens is one of these: a single server (or a Sentinel-managed
 * master, which ioredis also serves with `Redis`) or a Redis Cluster. Code that only sends commands
 * takes this type; BullMQ accepts either as its `connection`.
 */
export type RedisClient = Redis | Cluster;

/** A host and port, as Sentinel addresses are written (`host:port`). */
export interface RedisAddress {
  host: string;
  port: number;
}

/** Where Redis is: the three forms of the `redis:` block. */
export type RedisEndpoint =
  | { kind: 'url'; url: string }
  | {
      kind: 'sentinel';
      /** The master's name as the sentinels know it (`sentinel monitor <name> ...`). */
      name: string;
      sentinels: RedisAddress[];
      /** The master's and replicas' password. */
      password?: string;
      /** The sentinels' own password, when they require one. */
      sentinelPassword?: string;
      /** TLS to the master and to the sentinels. Default false. */
      tls: boolean;
    }
  | {
      kind: 'cluster';
      /** Seed nodes (`redis://host:port`); the rest of the cluster is discovered from them. */
      nodes: string[];
      password?: string;
      /** TLS to every node. Default false. */
      tls: boolean;
    };

/** A URL string is the single-server form, so callers that only know a URL keep working. */
export type RedisSource = string | RedisEndpoint;

/**
 * Connections for the three roles. Producers fail fast (no offline queue, bounded retries) so an
 * API can answer 503 instead of hanging; workers and subscribers wait for Redis for ever, as BullMQ
 * requires (`maxRetriesPerRequest: null`). Both reconnect on their own.
 */
export type RedisRole = 'producer' | 'worker' | 'subscriber';

const retryStrategy = (times: number): number => Math.min(times * 100, 2_000);

function roleOptions(role: RedisRole, extra: RedisOptions): RedisOptions {
  const common: RedisOptions = {
    retryStrategy,
    connectionName: `llm-ladder:${role}`,
    lazyConnect: true,
    ...extra,
  };
  return role === 'producer'
    ? { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 }
    : { ...common, maxRetriesPerRequest: null, enableReadyCheck: true };
}

function sentinelClient(
  endpoint: Extract<RedisEndpoint, { kind: 'sentinel' }>,
  options: RedisOptions,
): Redis {
  return new Redis({
    ...options,
    sentinels: endpoint.sentinels,
    name: endpoint.name,
    role: 'master',
    ...(endpoint.password === undefined ? {} : { password: endpoint.password }),
    ...(endpoint.sentinelPassword === undefined
      ? {}
      : { sentinelPassword: endpoint.sentinelPassword }),
    ...(endpoint.tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
    // The failover detector keeps extra subscriber connections to every sentinel; after a
    // failover it raced our own reconnects. A lost master already closes the connection, and the
    // reconnect asks the sentinels for the new one, so it adds nothing here.
    failoverDetector: false,
    // Sentinels' retries follow the same curve as the master's.
    sentinelRetryStrategy: retryStrategy,
  });
}

function clusterClient(
  endpoint: Extract<RedisEndpoint, { kind: 'cluster' }>,
  role: RedisRole,
  options: RedisOptions,
): Cluster {
  const clusterOptions: ClusterOptions = {
    redisOptions: {
      ...options,
      ...(endpoint.password === undefined ? {} : { password: endpoint.password }),
      ...(endpoint.tls ? { tls: {} } : {}),
    },
    lazyConnect: true,
    clusterRetryStrategy: retryStrategy,
    // A producer fails fast while the cluster has no slot map; workers queue and wait.
    enableOfflineQueue: role !== 'producer',
    enableReadyCheck: true,
    // MOVED / ASK during a slot migration or a failover: follow them a few times before failing.
    maxRedirections: 16,
    retryDelayOnMoved: 50,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
  };
  return new Cluster(endpoint.nodes.map(nodeAddress), clusterOptions);
}

/** `redis://host:port` (or a bare `host:port`) → the form ioredis's Cluster takes. */
function nodeAddress(node: string): RedisAddress {
  const url = new URL(/^rediss?:\/\//.test(node) ? node : `redis://${node}`);
  return { host: url.hostname, port: Number(url.port || '6379') };
}

export function createRedis(
  source: RedisSource,
  role: RedisRole,
  extra: RedisOptions = {},
): RedisClient {
  const endpoint: RedisEndpoint =
    typeof source === 'string' ? { kind: 'url', url: source } : source;
  const options = roleOptions(role, extra);
  const client =
    endpoint.kind === 'url'
      ? new Redis(endpoint.url, options)
      : endpoint.kind === 'sentinel'
        ? sentinelClient(endpoint, options)
        : clusterClient(endpoint, role, options);
  // Errors surface on the commands that fail; the connection itself just reconnects.
  client.on('error', () => undefined);
  coalesceWrites(client);
  return client;
}

/**
 * A new connection like `client` (same server, sentinels or cluster) with some options changed,
 * with the same quiet error listener: ioredis prints "Unhandled error event" for every failed
 * reconnect of a client nobody listens to. Its writes are coalesced per turn like every other
 * connection's unless `coalesce` is false (a connection that only blocks gains nothing from it).
 */
export function duplicateRedis(
  client: RedisClient,
  extra: RedisOptions = {},
  { coalesce = true }: { coalesce?: boolean } = {},
): RedisClient {
  const copy: RedisClient =
    client instanceof Cluster
      ? client.duplicate(undefined, {
          redisOptions: { ...client.options.redisOptions, ...extra },
          ...(extra.enableOfflineQueue === undefined
            ? {}
            : { enableOfflineQueue: extra.enableOfflineQueue }),
        })
      : client.duplicate(extra);
  copy.on('error', () => undefined);
  if (coalesce) coalesceWrites(copy);
  return copy;
}

/** Whether `value` is an open client rather than a description of where Redis is. */
export function isRedisClient(value: RedisSource | RedisClient): value is RedisClient {
  return value instanceof Redis || value instanceof Cluster;
}

/** Connects a lazily created client, waiting while it reconnects, up to `timeoutMs`. */
export async function connectRedis(client: RedisClient, timeoutMs = 5_000): Promise<void> {
  if (client.status === 'ready') return;
  if (client.status === 'wait') {
    await withTimeout(client.connect(), timeoutMs);
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`Redis did not become ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}

async function withTimeout(work: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Redis did not become ready within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Redacts the password of a Redis URL for messages and logs. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable Redis URL)';
  }
}

/** Where a client connects, for messages and logs: never a password. */
export function describeRedis(source: RedisSource | RedisClient): string {
  if (typeof source === 'string') return `Redis at ${describeRedisUrl(source)}`;
  if (source instanceof Cluster) {
    const nodes = source.nodes().map((n) => `${n.options.host ?? '?'}:${n.options.port ?? '?'}`);
    return nodes.length > 0 ? `Redis Cluster (${nodes.join(', ')})` : 'Redis Cluster';
  }
  if (source instanceof Redis) {
    const { sentinels, name, host, port } = source.options;
    return sentinels?.length
      ? sentinelDescription(name ?? '?', sentinels)
      : `Redis at redis://${host ?? '127.0.0.1'}:${port ?? 6379}`;
  }
  if (source.kind === 'url') return `Redis at ${describeRedisUrl(source.url)}`;
  if (source.kind === 'sentinel') return sentinelDescription(source.name, source.sentinels);
  return `Redis Cluster (${source.nodes.map((n) => describeRedisUrl(n)).join(', ')})`;
}

function sentinelDescription(
  name: string,
  sentinels: readonly { host?: string | undefined; port?: number | undefined }[],
): string {
  const list = sentinels.map((s) => `${s.host ?? '?'}:${s.port ?? '?'}`).join(', ');
  return `Redis master "${name}" via sentinels ${list}`;
}
