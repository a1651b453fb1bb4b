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
    // Closed by the shutdown itself (0), not by its deadline (1, grace + 10 s).
    expect(await ladder.exited()).toBe(0);
    expect(ladder.output()).not.toContain('shutdown still not finished');
  });
});
