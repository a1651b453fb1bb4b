import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestLadder, testConfig, type TestLadder } from '../helpers/ladder.js';
import { describeApiContract } from './api-contract.js';
import { bearer, startApi, validJob, type RunningApi } from './harness.js';

// The same contract over the Redis-backed LadderOps with real workers on the simulated provider:
// jobs finish by themselves, so no `finish` hook and no cancel of a queued job.
describeApiContract('Redis LadderOps with workers', async () => {
  const config = testConfig({
    providers: { simulated: { latency_ms: 20 } },
    levels: [
      { name: 'full', targets: ['simulated/big'] },
      { name: 'reduced', targets: ['simulated/medium'] },
      { name: 'basic', targets: ['simulated/small'] },
      { name: 'cached', serve: 'cache' },
      { name: 'static', serve: 'static', message: 'Service temporarily limited' },
    ],
  });
  const ladder = await startTestLadder(config);
  return {
    ops: ladder.ops,
    jobsStayQueued: false,
    target: 'simulated/big',
    cleanup: () => ladder.close(),
  };
});

describe('HTTP API over Redis LadderOps: what only the real ops decide', () => {
  let ladder: TestLadder;
  let api: RunningApi;
  beforeAll(async () => {
    ladder = await startTestLadder(
      testConfig({
        providers: { simulated: { latency_ms: 5 } },
        levels: [
          { name: 'full', targets: ['simulated/big'] },
          { name: 'static', serve: 'static', message: 'limited' },
        ],
      }),
    );
    api = await startApi({ ops: ladder.ops });
  });
  afterAll(async () => {
    await api.close();
    await ladder.close();
  });

  it('a level name the ladder does not have is a 400 naming its path', async () => {
    const res = await fetch(`${api.url}/v1/jobs`, {
      method: 'POST',
      headers: { ...bearer(), 'Content-Type': 'application/json' },
      body: JSON.stringify(validJob({ level: 'platinum' })),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { problems: Array<{ path: string }> } };
    expect(body.error.problems.map((p) => p.path)).toContain('level');
  });

  it('POST ?wait answers the final result served by a worker', async () => {
    const res = await fetch(`${api.url}/v1/jobs?wait=2`, {
      method: 'POST',
      headers: { ...bearer(), 'Content-Type': 'application/json' },
      body: JSON.stringify(validJob()),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'completed',
      level_name: 'full',
      source: 'llm',
    });
  });
});
