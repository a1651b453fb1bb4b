import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BULLMQ_QUEUE_KEY_NAMES } from '../../src/jobs/bull-job-id.js';
import { rawRequest } from '../api/harness.js';
import { down, type FakeProvider } from '../helpers/fake-provider/server.js';
import { freePort } from '../helpers/redis-server.js';
import { slowBodies } from '../security/slow-bodies.js';
import { validJob } from './bad-jobs.js';
import { crashLines, Fleet, leftoverJobs } from './fleet.js';
import {
  faultConfig,
  LEVEL_NAMES,
  reportFigures,
  withFakeProvider,
  type FaultConfig,
} from './setup.js';

/**
 * Issue 19's outages against real processes: an API in open mode (no tokens, as the demo runs)
 * and one worker for every level. Each case once, lightly: the unit-level variations run in
 * `npm test` (test/security).
 */
let fake: FakeProvider;
withFakeProvider((f) => (fake = f));
let fleet: Fleet;
let config: FaultConfig;
let port: number;
let url: string;

beforeAll(async () => {
  config = faultConfig(inject('redisUrl'), fake, { api: { max_body_bytes: 4 * 1024 * 1024 } });
  port = await freePort();
  url = `http://127.0.0.1:${port}`;
  fleet = new Fleet(config.path, { LADDER_API_TOKENS: '' });
  await fleet.start({ apiPort: port, workers: 1, levels: LEVEL_NAMES });
});
afterAll(async () => {
  await fleet.stopAll();
});

const JSON_TYPE = { 'Content-Type': 'application/json' };

async function call(
  path: string,
  init: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url + path, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: { ...JSON_TYPE, ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function apiAnswers(): Promise<void> {
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
  expect(fleet.live()).toHaveLength(2);
}

describe('fault: security (issue 19) against running processes', () => {
  it('DNS rebinding: a foreign Host is refused on reads and writes, a foreign Origin on writes', async () => {
    const callsBefore = fake.requests().length;
    const rebound = { Host: `rebind.attacker.example:${port}`, ...JSON_TYPE };
    const job = JSON.stringify(validJob());
    const refused = [
      await rawRequest(port, 'GET', '/v1/ladder', rebound),
      await rawRequest(port, 'POST', '/v1/jobs', rebound, job),
      await rawRequest(port, 'POST', '/v1/breakers/openai/gpt-4o', rebound, '{"action":"open"}'),
      await rawRequest(
        port,
        'POST',
        '/v1/jobs',
        { Origin: 'http://attacker.example', ...JSON_TYPE },
        job,
      ),
      await rawRequest(
        port,
        'POST',
        '/v1/breakers/openai/gpt-4o',
        { Origin: 'http://attacker.example', ...JSON_TYPE },
        '{"action":"open"}',
      ),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403]);
    // Nothing happened: no breaker forced, no job called a provider.
    const ladder = await call('/v1/ladder');
    expect(ladder.status).toBe(200);
    expect(JSON.stringify(ladder.body)).not.toContain('forced_open');
    expect(fake.requests()).toHaveLength(callsBefore);
    // The loopback names on the own port are served.
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`])
      expect((await rawRequest(port, 'GET', '/v1/ladder', { Host: host })).status, host).toBe(200);
  });

  it('report ranges that ran the process out of memory: 400 naming since/until, process up', async () => {
    for (const [query, param] of [
      ['since=99999999d', 'since'],
      ['since=365000d', 'since'],
      ['since=1h&until=9999-12-31', 'until'],
    ] as const) {
      const answer = await call(`/v1/report?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body, query).toMatchObject({ error: { param } });
    }
    expect((await call('/v1/report?since=7d')).status).toBe(200);
    await apiAnswers();
  });

  it('four 1 MB bodies that stalled validation, at once: each a 400, /healthz answers meanwhile', async () => {
    const started = Date.now();
    let pending = true;
    const health: number[] = [];
    const probe = (async () => {
      while (pending) {
        const t = Date.now();
        expect((await fetch(`${url}/healthz`)).status).toBe(200);
        health.push(Date.now() - t);
      }
    })();
    const answers = await Promise.all(
      Object.entries(slowBodies()).map(async ([name, body]) => {
        const t = Date.now();
        const response = await fetch(`${url}/v1/jobs`, {
          method: 'POST',
          headers: JSON_TYPE,
          body,
        });
        return { name, status: response.status, text: await response.text(), ms: Date.now() - t };
      }),
    );
    pending = false;
    await probe;
    for (const a of answers) expect(a.status, `${a.name}: ${a.text.slice(0, 200)}`).toBe(400);
    expect(health.length).toBeGreaterThan(0);
    reportFigures('slow-validation', {
      refused_ms: Object.fromEntries(answers.map((a) => [a.name, a.ms])),
      all_ms: Date.now() - started,
      healthz_max_ms: Math.max(...health),
      healthz_calls: health.length,
    });
    await apiAnswers();
  });

  it('job ids that are BullMQ key names: each served, moved down a level, and the ladder still works', async () => {
    // The first level fails, so every job is also added to the second level's queue.
    fake.setDefault('anthropic', '*', down());
    fake.setDefault('openai', 'gpt-4o', down());
    const ids = [...BULLMQ_QUEUE_KEY_NAMES, ...LEVEL_NAMES];
    try {
      for (const id of ids) {
        const answer = await call('/v1/jobs?wait=20', { body: { ...validJob(), id } });
        expect(answer.status, `${id}: ${JSON.stringify(answer.body)}`).toBe(200);
        expect(answer.body, id).toMatchObject({ id, status: 'completed', level: 2 });
      }
      const batch = await call('/v1/jobs/batch', {
        body: { jobs: ids.map((id) => ({ ...validJob(), id: `${id}.batch` })) },
      });
      expect(batch.status, JSON.stringify(batch.body)).toBe(202);
      for (const id of ids) {
        const answer = await call(`/v1/jobs/${id}.batch?wait=20`);
        expect(answer.body, id).toMatchObject({ status: 'completed' });
      }
      for (const id of ['marker', 'events', 'meta']) {
        const answer = await call('/v1/chat/completions', {
          headers: { 'Idempotency-Key': `chat.${id}` },
          body: { model: 'ladder', messages: [{ role: 'user', content: `chat ${id}` }] },
        });
        expect(answer.status, `${id}: ${JSON.stringify(answer.body)}`).toBe(200);
      }
    } finally {
      fake.reset();
    }
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const after = await call('/v1/jobs?wait=20', { body: validJob() });
    expect(after.body).toMatchObject({ status: 'completed' });
    expect(await leftoverJobs(inject('redisUrl'), config.prefix, LEVEL_NAMES)).toEqual({});
    const output = fleet.output();
    expect(output).not.toMatch(/WRONGTYPE/);
    expect(crashLines(output)).toEqual([]);
    await apiAnswers();
  });
});
