import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { askRedis, startRedisServer, type RedisServerHandle } from './redis-server.js';

const run = promisify(execFile);

/** Three masters with one replica each on free localhost ports, node timeout 1 s. */
export interface RedisClusterHandle {
  nodes: RedisServerHandle[];
  /** `redis://127.0.0.1:<port>` of every node, as `redis.cluster.nodes` takes them. */
  urls: string[];
  /** The node serving `key`'s slot as master now. */
  masterFor(key: string): Promise<RedisServerHandle>;
  /** Waits until every live node reports `cluster_state:ok` and `key`'s slot has a live master. */
  waitHealthy(timeoutMs: number): Promise<void>;
  /**
   * Starts a stopped node again (same port and nodes.conf): a master that was failed over comes
   * back as a replica of the one promoted in its place. Resolves once it has synced from it.
   */
  rejoin(node: RedisServerHandle, timeoutMs: number): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * Waits until every replica among `nodes` (every node with `replicas`) has finished its first
 * sync: before, it cannot be promoted.
 */
async function waitReplicasSynced(
  nodes: RedisServerHandle[],
  timeoutMs: number,
  replicas: 'some' | 'all' = 'some',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const infos = await Promise.all(
      nodes.map((n) => askRedis(n.port, (c) => c.info('replication'))),
    );
    const synced = infos.every(
      (i) =>
        typeof i === 'string' &&
        ((replicas === 'some' && /role:master/.test(i)) || /master_link_status:up/.test(i)),
    );
    if (synced) return;
    if (Date.now() > until) throw new Error('the replicas did not finish their first sync');
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface RedisClusterOptions {
  /**
   * `cluster-require-full-coverage` (Redis's default true): every node refuses every command
   * (CLUSTERDOWN) while any slot has no master, so a failover stalls the whole cluster, not only
   * the slots of the master that died.
   */
  requireFullCoverage?: boolean;
}

export async function startRedisCluster(
  options: RedisClusterOptions = {},
): Promise<RedisClusterHandle> {
  const nodes: RedisServerHandle[] = [];
  for (let i = 0; i < 6; i++) {
    nodes.push(
      await startRedisServer({
        extraArgs: [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          '1000',
          // Redis 7 waits 5 s before a diskless full sync to gather replicas. A replica that has
          // never synced refuses to fail over (its data counts as too old), so a master killed in
          // those seconds is never replaced.
          '--repl-diskless-sync-delay',
          '0',
          '--cluster-require-full-coverage',
          options.requireFullCoverage === false ? 'no' : 'yes',
        ],
      }),
    );
  }
  await run('redis-cli', [
    '--cluster',
    'create',
    ...nodes.map((n) => `127.0.0.1:${n.port}`),
    '--cluster-replicas',
    '1',
    '--cluster-yes',
  ]);
  const alive = new Set(nodes);
  const handle: RedisClusterHandle = {
    nodes,
    urls: nodes.map((n) => `redis://127.0.0.1:${n.port}`),
    async masterFor(key) {
      for (const node of alive) {
        const slot = await askRedis(node.port, (c) => c.call('CLUSTER', 'KEYSLOT', key));
        const slots = (await askRedis(node.port, (c) => c.call('CLUSTER', 'SLOTS'))) as
          [number, number, [string, number]][] | null;
        const range = slots?.find(([from, to]) => Number(slot) >= from && Number(slot) <= to);
        const port = range?.[2][1];
        const found = nodes.find((n) => n.port === port);
        if (found) return found;
      }
      throw new Error(`no master known for ${key}`);
    },
    async waitHealthy(timeoutMs) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const states = await Promise.all(
          [...alive].map((n) => askRedis(n.port, (c) => c.call('CLUSTER', 'INFO'))),
        );
        if (states.every((s) => typeof s === 'string' && s.includes('cluster_state:ok'))) return;
        if (Date.now() > until) throw new Error('the cluster did not become healthy');
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async rejoin(node, timeoutMs) {
      await node.start();
      alive.add(node);
      await waitReplicasSynced([node], timeoutMs, 'all');
    },
    async dispose() {
      await Promise.all(nodes.map((n) => n.dispose()));
    },
  };
  // `stop` on a node takes it out of the health check, so a failover test can wait for the rest.
  for (const node of nodes) {
    const stop = node.stop.bind(node);
    node.stop = async (signal) => {
      alive.delete(node);
      await stop(signal);
    };
  }
  await handle.waitHealthy(20_000);
  await waitReplicasSynced(nodes, 20_000);
  return handle;
}
