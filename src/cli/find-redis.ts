import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describeRedisUrl } from '../util/redis.js';
import { CliError } from './context.js';

export interface FoundRedis {
  url: string;
  /** Set when the demo started its own redis-server; stops it and removes its folder. */
  stop?: () => Promise<void>;
  how: string;
}

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1_000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The demo needs only Redis: the configured one if it answers, else a private redis-server it
 * starts (and stops) itself, else a message with the two ways to get one.
 */
export async function findRedis(configured: string): Promise<FoundRedis> {
  if (await answers(configured))
    return { url: configured, how: `using Redis at ${describeRedisUrl(configured)}` };
  const installed = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!installed) {
    throw new CliError(
      `Redis does not answer at ${describeRedisUrl(configured)} and redis-server is not installed. Either:\n` +
        '  1. start one:   docker run -p 6379:6379 redis:7   (or: apt-get install redis-server)\n' +
        '  2. point at one: REDIS_URL=redis://host:6379 npm start',
    );
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ladder-demo-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100 && !(await answers(url)); i++)
    await new Promise((r) => setTimeout(r, 50));
  return {
    url,
    how: `no Redis at ${describeRedisUrl(configured)}: started a private redis-server on port ${port} (stopped when the demo ends)`,
    stop: async () => {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
