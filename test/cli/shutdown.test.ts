import { afterEach, describe, expect, it } from 'vitest';
import { runLadder, writeConfigFile, type LadderProcess } from '../helpers/processes.js';
import { freePort, startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { job, testPrefix } from '../helpers/ladder.js';
import { openRedisOps } from '../../src/producer/open-redis-ops.js';

let redis: RedisServerHandle | undefined;
let ladder: LadderProcess | undefined;

afterEach(async () => {
  if (ladder && ladder.child.exitCode === null) ladder.child.kill('SIGKILL');
  await redis?.dispose();
  redis = ladder = undefined;
});

/**
 * Stops Redis, then sends SIGTERM, with the process held still in between (SIGSTOP): it then meets
 * its connections' end and the signal in one turn of its event loop, as a process that gets no CPU
 * meanwhile does under load, when its connections still say `ready` as the shutdown starts.
 */
async function stopRedisThenSignal(
  process: LadderProcess,
  server: RedisServerHandle,
): Promise<void> {
  process.child.kill('SIGSTOP');
  try {
    await server.stop();
    process.child.kill('SIGTERM');
  } finally {
    process.child.kill('SIGCONT');
  }
}

// A close waiting on an unreachable Redis used to hang for ever (ioredis keeps QUIT for a
// reconnect): SIGTERM was ignored until the process was killed. Then `ladder api` under load still
// met the breakers' UNSUBSCRIBE kept for a reconnect (its socket ended, its status still `ready`),
// and a worker's BullMQ close waited for an 'end' ioredis never emits while reconnecting, so both
// could only leave by the deadline (grace + 10 s, exit 1). Each must now end its own shutdown.
describe('SIGTERM after Redis went away', { timeout: 90_000 }, () => {
  it.each([
    ['start', ['start', '--port'], 'API listening'],
    ['worker', ['worker', '--level', 'full', '--level', 'static'], 'workers started'],
    ['api', ['api', '--port'], 'API listening'],
  ] as const)('`ladder %s` shuts down and exits 0', async (_name, args, ready) => {
    redis = await startRedisServer();
    const config = writeConfigFile({
      redis: { url: redis.url, prefix: testPrefix() },
      providers: { simulated: { latency_ms: 5 } },
      levels: [
        { name: 'full', targets: ['simulated/opus-sim'] },
        { name: 'static', serve: 'static', message: 'Service temporarily limited' },
      ],
      worker: { shutdown_grace_ms: 200 },
    });
    const port = args.at(-1) === '--port' ? [String(await freePort())] : [];
    ladder = runLadder([...args, ...port, '--config', config]);
    await ladder.waitFor(ready, 60_000);
    await stopRedisThenSignal(ladder, redis);
    // 0: closed by the shutdown itself, not by its deadline (1) nor killed by the signal (null).
    const code = await ladder.exited();
    expect(code, ladder.output()).toBe(0);
  });

  // Its provider call cannot end in time and, Redis gone, neither can its requeue: the job is left
  // to its lock, as if the process had died, once the grace is over.
  it('`ladder worker` with a job in flight shuts down and exits 0', async () => {
    redis = await startRedisServer();
    const prefix = testPrefix();
    const config = writeConfigFile({
      redis: { url: redis.url, prefix },
      providers: { simulated: { latency_ms: 600_000 } },
      levels: [
        { name: 'full', targets: ['simulated/opus-sim'] },
        { name: 'static', serve: 'static', message: 'Service temporarily limited' },
      ],
      worker: { shutdown_grace_ms: 200 },
    });
    ladder = runLadder(['worker', '--level', 'full', '--config', config]);
    await ladder.waitFor('workers started', 60_000);
    const ops = await openRedisOps({ url: redis.url, prefix });
    try {
      const { id } = await ops.enqueue(job('a long call'));
      await expect
        .poll(async () => (await ops.results.get(id))?.status, { timeout: 30_000 })
        .toBe('active');
    } finally {
      await ops.close();
    }
    await stopRedisThenSignal(ladder, redis);
    const code = await ladder.exited();
    expect(code, ladder.output()).toBe(0);
    expect(ladder.output()).toContain('"outcomes":["abandoned"]');
  });
});
