import { afterEach, describe, expect, it } from 'vitest';
import { runLadder, writeConfigFile, type LadderProcess } from '../helpers/processes.js';
import { freePort, startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { testPrefix } from '../helpers/ladder.js';

let redis: RedisServerHandle | undefined;
let ladder: LadderProcess | undefined;

afterEach(async () => {
  if (ladder && ladder.child.exitCode === null) ladder.child.kill('SIGKILL');
  await redis?.dispose();
  redis = ladder = undefined;
});

// A close waiting on an unreachable Redis used to hang for ever (ioredis keeps QUIT for a
// reconnect): SIGTERM was ignored until the process was killed.
describe('SIGTERM after Redis went away', { timeout: 90_000 }, () => {
  // A worker's close walks its grace, requeue and force steps (about 8 s here) before the
  // connections are dropped, and `ladder api` can still find a close waiting on Redis under load:
  // the deadline (grace + 10 s) ends what is left, with exit code 1.
  it.each([
    ['start', ['start', '--port'], 'API listening'],
    ['worker', ['worker', '--level', 'full', '--level', 'static'], 'workers started'],
    ['api', ['api', '--port'], 'API listening'],
  ] as const)('`ladder %s` still shuts down and exits', async (_name, args, ready) => {
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
    await redis.stop();
    ladder.child.kill('SIGTERM');
    // 0: closed by the shutdown itself; 1: by its deadline (grace + 10 s). Never left running.
    const code = await ladder.exited();
    expect([0, 1]).toContain(code);
    if (code === 1) expect(ladder.output()).toContain('shutdown still not finished');
  });
});
