import { Queue } from 'bullmq';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LadderClient } from '../../src/producer/ladder-client.js';
import type { FakeProvider } from '../helpers/fake-provider/server.js';
import { freePort } from '../helpers/redis-server.js';
import { BAD_BODIES, badJob, validJob } from './bad-jobs.js';
import { crashLines, Fleet, leftoverJobs } from './fleet.js';
import { JobLedger } from './ledger.js';
import {
  API_TOKEN,
  faultConfig,
  LEVEL_NAMES,
  reportFigures,
  withFakeProvider,
  type FaultConfig,
} from './setup.js';

let fake: FakeProvider;
withFakeProvider((f) => (fake = f));
let fleet: Fleet;
let config: FaultConfig;
let url: string;
const statuses: Record<string, number> = {};

beforeAll(async () => {
  config = faultConfig(inject('redisUrl'), fake, {
    api: { tokens: [API_TOKEN], max_body_bytes: 4 * 1024 * 1024 },
  });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  fleet = new Fleet(config.path);
  await fleet.start({ apiPort: port, workers: 1, levels: LEVEL_NAMES });
});
afterAll(async () => {
  await fleet.stopAll();
});

async function post(
  body: Buffer | string,
  path = '/v1/jobs',
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
    body,
  });
  const text = await response.text();
  statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  return { status: response.status, text };
}

describe('fault: bad input', () => {
  it('fuzzed job bodies over HTTP: each a 400 naming a problem, single and in a batch', async () => {
    await fc.assert(
      fc.asyncProperty(badJob, async (job) => {
        const single = await post(JSON.stringify(job));
        expect(single.status, single.text.slice(0, 300)).toBe(400);
        expect(single.text).toMatch(/"error"/);
        const batch = await post(JSON.stringify({ jobs: [validJob(), job] }), '/v1/jobs/batch');
        expect(batch.status, batch.text.slice(0, 300)).toBe(400);
      }),
      { numRuns: 150 },
    );
  });

  it('bodies that are not UTF-8 JSON: 400, never a crash', async () => {
    for (const bad of BAD_BODIES) {
      const answer = await post(bad.body);
      expect(answer.status, `${bad.name}: ${answer.text.slice(0, 200)}`).toBe(400);
    }
  });

  it('garbage added straight into a level queue: each job fails with a reason, nothing is called', async () => {
    const redisUrl = inject('redisUrl');
    const queue = new Queue('full', { connection: { url: redisUrl }, prefix: config.prefix });
    const ledger = await JobLedger.open(redisUrl, config.prefix, fake);
    try {
      const samples = fc.sample(badJob, { numRuns: 80, seed: 7 });
      samples.push(
        { ...validJob(), base_url: 'http://169.254.169.254/' },
        { request: { ...(validJob().request as object), base_url: 'http://127.0.0.1:1/' } },
      );
      for (const [i, data] of samples.entries()) {
        await queue.add('completion', data, { jobId: `raw-bad-${i}` });
        ledger.accept(`raw-bad-${i}`);
      }
      await ledger.waitAllFinal(30_000);
      const report = await ledger.verify();
      expect(report.problems).toEqual([]);
      for (const record of report.results.values()) {
        expect(record, record.id).toMatchObject({ status: 'failed', error: { class: 'invalid' } });
        expect(record.error?.message, record.id).toMatch(/^(invalid job: )?[\w.()]+: \S/);
      }
      expect(await queue.getFailedCount()).toBe(samples.length);
      reportFigures('bad-input', {
        http_statuses: statuses,
        raw_jobs: samples.length,
        raw_failed: report.failed,
      });
    } finally {
      await queue.close();
      await ledger.close();
    }
  });

  it('after all that: nothing reached a provider, both processes are up, and a good job is served', async () => {
    expect(fake.requests()).toHaveLength(0);
    expect(fleet.live()).toHaveLength(2);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const client = new LadderClient({ url, token: API_TOKEN });
    try {
      const { id } = await client.enqueue(validJob());
      expect(await client.result(id, { timeoutMs: 10_000 })).toMatchObject({
        status: 'completed',
        level: 1,
      });
      expect(fake.requests()).toHaveLength(1);
    } finally {
      await client.close();
    }
    expect(await leftoverJobs(inject('redisUrl'), config.prefix, LEVEL_NAMES)).toEqual({});
    expect(crashLines(fleet.output())).toEqual([]);
  });
});
