import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { askRedis, startRedisServer, freePort, type RedisServerHandle } from './redis-server.js';
import { waitForLink } from './replica-pair.js';

export const SENTINEL_MASTER_NAME = 'ladder-main';

/**
 * One master, one replica and three sentinels on free localhost ports, with short failure
 * detection (down after 1 s, failover timeout 3 s), for failover tests. Debian's redis-server
 * runs as a sentinel with `--sentinel`.
 */
export interface SentinelSetup {
  master: RedisServerHandle;
  replica: RedisServerHandle;
  /** `host:port` of each sentinel, as `redis.sentinel.sentinels` takes them. */
  sentinels: string[];
  /** The port the sentinels name as master now (asked of the first that answers). */
  masterPort(): Promise<number | null>;
  /** Waits until a majority of sentinels name `port` as the master. */
  waitForMaster(port: number, timeoutMs: number): Promise<void>;
  /** Waits until `server` is a replica with its link up (after it rejoined). */
  waitForReplica(server: RedisServerHandle, timeoutMs: number): Promise<void>;
  dispose(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startSentinelSetup(): Promise<SentinelSetup> {
  const master = await startRedisServer();
  const replica = await startRedisServer({ replicaOf: master.port });
  await waitForLink(replica.url);
  const dir = mkdtempSync(join(tmpdir(), 'ladder-sentinel-'));
  const ports: number[] = [];
  const children: ChildProcess[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    ports.push(port);
    const conf = join(dir, `sentinel-${i}.conf`);
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        'protected-mode no',
        `dir ${dir}`,
        `sentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${master.port} 2`,
        `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} 1000`,
        `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 3000`,
        `sentinel parallel-syncs ${SENTINEL_MASTER_NAME} 1`,
        '',
      ].join('\n'),
    );
    children.push(spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' }));
  }

  const masterPort = async (): Promise<number | null> => {
    for (const port of ports) {
      const addr = await askRedis(port, (c) =>
        c.call('SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER_NAME),
      );
      if (Array.isArray(addr)) return Number(addr[1]);
    }
    return null;
  };

  // Ready when every sentinel knows the replica and the two other sentinels: a failover needs both.
  const until = Date.now() + 20_000;
  for (;;) {
    const views = await Promise.all(
      ports.map((port) =>
        askRedis(port, async (c) => {
          const replicas = (await c.call(
            'SENTINEL',
            'replicas',
            SENTINEL_MASTER_NAME,
          )) as unknown[];
          const others = (await c.call('SENTINEL', 'sentinels', SENTINEL_MASTER_NAME)) as unknown[];
          return replicas.length >= 1 && others.length >= 2;
        }),
      ),
    );
    if (views.every((v) => v === true)) break;
    if (Date.now() > until) throw new Error(`sentinels not ready: ${JSON.stringify(views)}`);
    await sleep(200);
  }

  return {
    master,
    replica,
    sentinels: ports.map((p) => `127.0.0.1:${p}`),
    masterPort,
    async waitForMaster(port, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const named = await Promise.all(
          ports.map((p) =>
            askRedis(p, (c) => c.call('SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER_NAME)),
          ),
        );
        const agree = named.filter((a) => Array.isArray(a) && Number(a[1]) === port).length;
        if (agree >= 2) return;
        if (Date.now() > deadline)
          throw new Error(`sentinels did not promote port ${port}: ${JSON.stringify(named)}`);
        await sleep(100);
      }
    },
    async waitForReplica(server, timeoutMs) {
      await waitForLink(server.url, timeoutMs);
    },
    async dispose() {
      for (const child of children) child.kill('SIGKILL');
      await replica.dispose();
      await master.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
