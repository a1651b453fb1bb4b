import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A private redis-server for tests, on a free port, that a fault test may stop and start again. */
export interface RedisServerHandle {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Sends a signal without waiting for an exit: SIGSTOP freezes the server, SIGCONT thaws it. */
  signal(signal: NodeJS.Signals): void;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export interface RedisServerOptions {
  /** Append-only file on, so a restart keeps accepted jobs. Default false. */
  appendOnly?: boolean;
  /** `always` or `everysec`. Default `always`: a test that restarts Redis must not lose a write. */
  appendFsync?: 'always' | 'everysec';
  /** `--requirepass`: clients must authenticate; `url` then carries the password. */
  password?: string;
  /** `--replicaof`: a replica of the server at this port (on 127.0.0.1). */
  replicaOf?: number;
  /** More `--name value` arguments (e.g. cluster mode). */
  extraArgs?: string[];
  /** A port chosen by the caller (a cluster node's or a restarted master's). */
  port?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('no port'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/**
 * `work` on a one-off connection to the local server on `port` that neither retries nor queues:
 * null when the server is not there or the work fails (a node being killed or failed over).
 */
export async function askRedis<T>(
  port: number,
  work: (client: Redis) => Promise<T>,
): Promise<T | null> {
  const client = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await work(client);
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

async function waitForPing(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return;
    } catch (error) {
      client.disconnect();
      if (Date.now() > until) throw error;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

export async function startRedisServer(
  options: RedisServerOptions = {},
): Promise<RedisServerHandle> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'ladder-redis-'));
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  const url = `redis://${auth}127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.appendOnly ? 'yes' : 'no',
    '--appendfsync',
    options.appendFsync ?? 'always',
    '--maxmemory-policy',
    'noeviction',
    '--protected-mode',
    'no',
    ...(options.replicaOf === undefined
      ? []
      : ['--replicaof', '127.0.0.1', String(options.replicaOf)]),
    ...(options.extraArgs ?? []),
  ];

  const handle: RedisServerHandle = {
    port,
    url,
    dir,
    async start() {
      child = spawn('redis-server', args, { stdio: 'ignore' });
      await waitForPing(url, 10_000);
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      const running = child;
      if (!running || running.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill(signal);
      });
      child = undefined;
    },
    signal(signal: NodeJS.Signals) {
      if (child && child.exitCode === null) child.kill(signal);
    },
    async dispose() {
      await handle.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}
