import { Redis } from 'ioredis';
import { startRedisServer, type RedisServerHandle } from './redis-server.js';

/** A master and one replica on free ports, the replica in sync before this resolves. */
export interface ReplicaPair {
  master: RedisServerHandle;
  replica: RedisServerHandle;
  /** A plain connection to the replica, to read what it holds. */
  replicaReader: Redis;
  dispose(): Promise<void>;
}

/** Resolves once `replica` reports its link to the master up. */
export async function waitForLink(replicaUrl: string, timeoutMs = 15_000): Promise<void> {
  const client = new Redis(replicaUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  const until = Date.now() + timeoutMs;
  try {
    for (;;) {
      const info = await client.info('replication').catch(() => '');
      if (/master_link_status:up/.test(info)) return;
      if (Date.now() > until) throw new Error(`replica ${replicaUrl} did not link: ${info}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    client.disconnect();
  }
}

export async function startReplicaPair(): Promise<ReplicaPair> {
  const master = await startRedisServer();
  const replica = await startRedisServer({ replicaOf: master.port });
  await waitForLink(replica.url);
  const replicaReader = new Redis(replica.url, { maxRetriesPerRequest: 1 });
  replicaReader.on('error', () => undefined);
  return {
    master,
    replica,
    replicaReader,
    async dispose() {
      replicaReader.disconnect();
      await replica.dispose();
      await master.dispose();
    },
  };
}
