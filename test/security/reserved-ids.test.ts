import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BULLMQ_QUEUE_KEY_NAMES } from '../../src/jobs/bull-job-id.js';
import type { JobResult } from '../../src/ladder/result.js';
import { LadderClient } from '../../src/producer/ladder-client.js';
import { startFakeProvider, status, type FakeProvider } from '../helpers/fake-provider/server.js';
import { job } from '../helpers/ladder.js';
import { startRunningLadder, TOKEN, type RunningLadder } from '../openai-compat/running-ladder.js';

let fake: FakeProvider;
let running: RunningLadder;
beforeAll(async () => {
  fake = await startFakeProvider();
  running = await startRunningLadder(fake);
});
afterAll(async () => {
  await running.close();
  await fake.close();
});

const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

async function call(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${running.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...headers, ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function finalRecord(id: string): Promise<JobResult> {
  const answer = await call(`/v1/jobs/${encodeURIComponent(id)}?wait=10`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as unknown as JobResult;
}

/** Every name BullMQ keeps under a queue, plus the empty-suffix-like and level names. */
const RESERVED = [...BULLMQ_QUEUE_KEY_NAMES, 'full', 'reduced', 'ladder', 'job.wait'];

describe('security: job ids that are BullMQ key names', () => {
  it('each is accepted, served and findable by its own id, single, in a batch and as Idempotency-Key', async () => {
    for (const id of RESERVED) {
      const single = await call('/v1/jobs?wait=10', { body: job(`single ${id}`, { id }) });
      expect(single.status, `${id}: ${JSON.stringify(single.body)}`).toBe(200);
      expect(single.body).toMatchObject({ id, status: 'completed' });
    }
    const batch = await call('/v1/jobs/batch', {
      body: { jobs: RESERVED.map((id) => job(`batch ${id}`, { id: `${id}.b` })) },
    });
    expect(batch.status, JSON.stringify(batch.body)).toBe(202);
    // The same ids again in a batch: one job each, already served.
    const again = await call('/v1/jobs/batch', {
      body: { jobs: RESERVED.map((id) => job(`single ${id}`, { id })) },
    });
    expect(again.status, JSON.stringify(again.body)).toBe(202);
    for (const id of RESERVED)
      expect(await finalRecord(`${id}.b`)).toMatchObject({ status: 'completed' });
    for (const id of ['marker', 'events', 'meta']) {
      const response = await fetch(`${running.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': id },
        body: JSON.stringify({
          model: 'ladder',
          messages: [{ role: 'user', content: `chat ${id}` }],
        }),
      });
      expect(response.status, await response.clone().text()).toBe(200);
    }
    // The levels still serve new jobs, and /readyz still says ready.
    const after = await call('/v1/jobs?wait=10', { body: job('after the sweep') });
    expect(after.body).toMatchObject({ status: 'completed', level: 1 });
    expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
  });

  it('a queue key of the wrong type makes /readyz fail and names the key in the log only', async () => {
    const redis = new Redis(running.config.redis.url);
    const key = `${running.config.redis.prefix}:reduced:marker`;
    try {
      await redis.del(key);
      await redis.hset(key, 'data', '{}');
      const ready = await fetch(`${running.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.text()).not.toContain(key);
    } finally {
      await redis.del(key);
      await redis.quit();
    }
    expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
  });
});

describe('raw BullMQ jobs and their ids', () => {
  function rawQueue(name: string): Queue {
    return new Queue(name, {
      connection: { url: running.config.redis.url },
      prefix: running.config.redis.prefix,
    });
  }

  it('a job without jobId or data.id gets a ladder id and moves down like any other', async () => {
    const queue = rawQueue('full');
    try {
      // The only target of `full` answers 503: the job must move down to `reduced`.
      fake.script('openai', 'gpt-4o', ...Array.from({ length: 10 }, () => status(503)));
      const added = await queue.add('completion', job('raw numeric'));
      expect(added.id).toMatch(/^\d+$/);
      const id = `full-${added.id}-${added.timestamp}`;
      const record = await finalRecord(id);
      expect(record).toMatchObject({ id, status: 'completed', level: 2, degraded: true });
      // Asked by the number BullMQ gave, the API says which id the job has instead.
      const byNumber = await call(`/v1/jobs/${added.id}`);
      expect(byNumber.status).toBe(400);
      expect(JSON.stringify(byNumber.body)).toContain(`<queue>-${added.id}-<its timestamp in ms>`);
    } finally {
      fake.reset();
      await queue.close();
    }
  });

  it('a job whose jobId differs from data.id is findable by either, also while waiting', async () => {
    const queue = rawQueue('full');
    try {
      const waiting = call('/v1/jobs/raw-bull-id?wait=10');
      await queue.add('completion', job('two ids', { id: 'raw-data-id' }), {
        jobId: 'raw-bull-id',
      });
      const byBull = await waiting;
      expect(byBull.status).toBe(200);
      expect(byBull.body).toMatchObject({ id: 'raw-data-id', status: 'completed' });
      expect(await finalRecord('raw-data-id')).toMatchObject({ id: 'raw-data-id' });
      // LadderClient finds it by either id too, over Redis and over HTTP.
      const clients = [
        new LadderClient({ redis: running.config.redis.url, prefix: running.config.redis.prefix }),
        new LadderClient({ url: running.url, token: TOKEN }),
      ];
      try {
        for (const client of clients) {
          for (const id of ['raw-bull-id', 'raw-data-id']) {
            expect(await client.get(id)).toMatchObject({ id: 'raw-data-id', status: 'completed' });
            expect(await client.result(id, { timeoutMs: 5_000 })).toMatchObject({
              id: 'raw-data-id',
              status: 'completed',
            });
          }
        }
      } finally {
        for (const client of clients) await client.close();
      }
    } finally {
      await queue.close();
    }
  });

  it('a job whose jobId is the ladder form job.<id> is the same job as an HTTP one', async () => {
    const queue = rawQueue('full');
    try {
      await queue.add('completion', job('namespaced', { id: 'ns-1' }), { jobId: 'job.ns-1' });
      expect(await finalRecord('ns-1')).toMatchObject({ status: 'completed' });
      const again = await call('/v1/jobs', { body: job('namespaced', { id: 'ns-1' }) });
      expect(again.body).toMatchObject({ id: 'ns-1', status: 'completed', created: false });
    } finally {
      await queue.close();
    }
  });
});
