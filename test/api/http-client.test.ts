import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isJobValidationError,
  JobValidationError,
  LadderUnavailableError,
  QueueFullError,
} from '../../src/producer/errors.js';
import { HttpApiError, HttpLadderOps } from '../../src/producer/http-client.js';
import { freePort } from '../helpers/redis-server.js';
import { FakeLadderOps } from './fake-ops.js';
import { startApi, TOKEN, validJob, type RunningApi } from './harness.js';

describe('HttpLadderOps against the API', () => {
  const ops = new FakeLadderOps();
  let api: RunningApi;
  let client: HttpLadderOps;
  beforeAll(async () => {
    api = await startApi({ ops, config: { syncTimeoutMs: 300 } });
    client = new HttpLadderOps({ url: `${api.url}/`, token: TOKEN, pollMs: 200 });
  });
  afterAll(async () => {
    await client.close();
    await api.close();
  });

  it('enqueue, get, cancel and ladder round-trip', async () => {
    const answer = await client.enqueue(validJob({ id: 'client-1' }));
    expect(answer).toEqual({
      id: 'client-1',
      status: 'queued',
      level: 1,
      level_name: 'full',
      created: true,
    });
    expect((await client.enqueue(validJob({ id: 'client-1' }))).created).toBe(false);
    expect(await client.get('client-1')).toMatchObject({ id: 'client-1', status: 'queued' });
    expect(await client.get('nobody')).toBeNull();
    expect(await client.cancel('client-1')).toMatchObject({ status: 'cancelled' });
    expect(await client.cancel('nobody')).toBeNull();
    expect((await client.ladder()).levels.map((l) => l.name)).toEqual([
      'full',
      'reduced',
      'basic',
      'cached',
      'static',
    ]);
  });

  it('cancel of a running job answers the record, as LadderOps.cancel does', async () => {
    const { id } = await client.enqueue(validJob());
    ops.start(id);
    expect(await client.cancel(id)).toMatchObject({ id, status: 'active' });
  });

  it('enqueueMany answers one EnqueueAnswer per job', async () => {
    const answers = await client.enqueueMany([validJob(), validJob({ level: 'basic' })]);
    expect(answers.map((a) => a.level_name)).toEqual(['full', 'basic']);
  });

  it('result long-polls across several server waits until the job is final', async () => {
    const { id } = await client.enqueue(validJob());
    setTimeout(() => ops.finish(id), 700); // beyond api.sync_timeout_ms (300): needs several polls
    const record = await client.result(id, { timeoutMs: 5_000 });
    expect(record).toMatchObject({ id, status: 'completed', output: { text: 'done' } });
  });

  it('result answers the record as it is when the timeout passes, null when unknown', async () => {
    const { id } = await client.enqueue(validJob());
    const started = Date.now();
    expect(await client.result(id, { timeoutMs: 400 })).toMatchObject({ status: 'queued' });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(await client.result('nobody', { timeoutMs: 400 })).toBeNull();
  });

  it('breaker posts to /v1/breakers/provider/model, slashes kept', async () => {
    await client.breaker('openrouter/meta-llama/llama-3-8b', 'open');
    expect(ops.breakerCalls.at(-1)).toEqual({
      target: 'openrouter/meta-llama/llama-3-8b',
      action: 'open',
    });
  });

  it('400 becomes JobValidationError with the problems', async () => {
    const error = await client
      .enqueue({ request: { messages: [{ role: 'robot' }] } })
      .catch((e: unknown) => e);
    expect(isJobValidationError(error)).toBe(true);
    expect((error as JobValidationError).problems.map((p) => p.path)).toContain(
      'request.messages.0.role',
    );
  });

  it('a batch 400 keeps the index of the bad job', async () => {
    const error = await client.enqueueMany([validJob(), { request: {} }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobValidationError);
    expect((error as JobValidationError).index).toBe(1);
    expect(ops.enqueued).toBeGreaterThan(0);
  });

  it('429 becomes QueueFullError, 503 LadderUnavailableError', async () => {
    ops.queueFull = true;
    const full = await client.enqueue(validJob()).catch((e: unknown) => e);
    ops.queueFull = false;
    expect(full).toBeInstanceOf(QueueFullError);
    expect(full).toMatchObject({ level: 'full', depth: 10_001, retryAfterMs: 2_500 });
    ops.unavailable = true;
    const down = await client.ladder().catch((e: unknown) => e);
    ops.unavailable = false;
    expect(down).toBeInstanceOf(LadderUnavailableError);
  });

  it('a wrong token is an HttpApiError that does not quote the token', async () => {
    const wrong = new HttpLadderOps({ url: api.url, token: 'very-secret-wrong' });
    const error = await wrong.ladder().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpApiError);
    expect((error as HttpApiError).status).toBe(401);
    expect(String(error)).not.toContain('very-secret-wrong');
  });
});

describe('HttpLadderOps with no API listening', () => {
  it('connection refused is LadderUnavailableError saying where, without credentials', async () => {
    const port = await freePort();
    const client = new HttpLadderOps({
      url: `http://user:pw-secret@127.0.0.1:${port}`,
      token: 'tok-secret',
    });
    const error = await client.enqueue(validJob()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LadderUnavailableError);
    const message = (error as Error).message;
    expect(message).toContain(`the ladder API at http://127.0.0.1:${port} cannot be reached`);
    expect(message).toContain('ECONNREFUSED');
    expect(message).not.toMatch(/pw-secret|tok-secret/);
  });
});

describe('HttpLadderOps reads answers by their schema', () => {
  /** A server that answers `body` with `status` to every request: another version, or not the API. */
  function clientAnswering(status: number, body: unknown): HttpLadderOps {
    return new HttpLadderOps({
      url: 'http://127.0.0.1:9',
      fetch: async () => new Response(JSON.stringify(body), { status }),
    });
  }

  it('a record with a status the client does not know is an error naming the field', async () => {
    const record = { id: 'a', status: 'exploded', level: 1, level_name: 'full', entry_level: 1 };
    const error = await clientAnswering(200, { ...record, floor: 5, attempts: [], timing: {} })
      .get('a')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpApiError);
    expect((error as Error).message).toMatch(/cannot read \(status: /);
  });

  it('a ladder state, an enqueue answer and a batch answer are checked too', async () => {
    const ladder = await clientAnswering(200, { levels: [{ level: 1 }] })
      .ladder()
      .catch((e: unknown) => e);
    expect((ladder as Error).message).toContain('levels.0.name');
    const answer = { id: 'a', status: 'queued', level: 1, level_name: 'full' };
    const enqueued = await clientAnswering(202, answer)
      .enqueue(validJob())
      .catch((e: unknown) => e);
    expect((enqueued as Error).message).toContain('created');
    const batch = await clientAnswering(202, { ids: ['a'] })
      .enqueueMany([validJob()])
      .catch((e: unknown) => e);
    expect((batch as Error).message).toContain('jobs');
  });

  it('an error answer that is not the API shape still maps by status', async () => {
    const error = await clientAnswering(503, '<html>bad gateway</html>')
      .ladder()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LadderUnavailableError);
  });
});
