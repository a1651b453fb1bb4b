import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LadderOps } from '../../src/producer/ladder-ops.js';
import { bearer, startApi, validJob, type RunningApi } from './harness.js';

/**
 * The HTTP API's contract, parameterised by the LadderOps behind it: the fake here, the Redis
 * client in the end-to-end tests.
 */
export interface ContractHarness {
  ops: LadderOps;
  /** Ends a job with a completed result; omit when real workers finish jobs by themselves. */
  finish?: (id: string) => void;
  /** True when enqueued jobs stay queued (no worker for the level), so cancel must succeed. */
  jobsStayQueued: boolean;
  /** A target of the ladder, to force open and back. */
  target: string;
  cleanup?: () => Promise<void>;
}

export function describeApiContract(name: string, setup: () => Promise<ContractHarness>): void {
  describe(`HTTP API contract (${name})`, () => {
    let harness: ContractHarness;
    let api: RunningApi;

    const call = async (
      method: string,
      path: string,
      body?: unknown,
    ): Promise<{ status: number; json: Record<string, unknown> }> => {
      const res = await fetch(api.url + path, {
        method,
        headers: {
          ...bearer(),
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };

    beforeAll(async () => {
      harness = await setup();
      api = await startApi({ ops: harness.ops });
    });
    afterAll(async () => {
      await api.close();
      await harness.cleanup?.();
    });

    it('POST /v1/jobs answers 202 with id, status and level', async () => {
      const { status, json } = await call('POST', '/v1/jobs', validJob());
      expect(status).toBe(202);
      expect(json).toMatchObject({ status: 'queued', level: 1, level_name: 'full', created: true });
      expect(typeof json.id).toBe('string');
    });

    it('the same id twice is one job (idempotent)', async () => {
      const id = `idem-${Date.now()}`;
      const first = await call('POST', '/v1/jobs', validJob({ id }));
      const second = await call('POST', '/v1/jobs', validJob({ id }));
      expect(first.json).toMatchObject({ id, created: true });
      expect(second.json).toMatchObject({ id, created: false });
    });

    it('GET /v1/jobs/:id answers the record, 404 when unknown', async () => {
      const { json } = await call('POST', '/v1/jobs', validJob());
      const got = await call('GET', `/v1/jobs/${String(json.id)}`);
      expect(got.status).toBe(200);
      expect(got.json).toMatchObject({ id: json.id, level_name: 'full' });
      expect((await call('GET', '/v1/jobs/never-seen-x')).status).toBe(404);
    });

    it('GET /v1/jobs/:id?wait=S long-polls until the job ends', async () => {
      const { json } = await call('POST', '/v1/jobs', validJob());
      const id = String(json.id);
      const started = Date.now();
      if (harness.finish) setTimeout(() => harness.finish?.(id), 150);
      const got = await call('GET', `/v1/jobs/${id}?wait=2`);
      expect(got.status).toBe(200);
      expect(got.json.status).toBe('completed');
      if (harness.finish) expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    });

    it('GET ?wait=S answers the record as it is when the wait runs out', async () => {
      if (!harness.jobsStayQueued) return;
      const { json } = await call('POST', '/v1/jobs', validJob());
      const got = await call('GET', `/v1/jobs/${String(json.id)}?wait=0.2`);
      expect(got.status).toBe(200);
      expect(got.json.status).toBe('queued');
    });

    it('POST /v1/jobs?wait=S answers 200 with the result when it ends in time', async () => {
      const id = `sync-${Date.now()}`;
      if (harness.finish) setTimeout(() => harness.finish?.(id), 100);
      const got = await call('POST', '/v1/jobs?wait=2', validJob({ id }));
      expect(got.status).toBe(200);
      expect(got.json).toMatchObject({ id, status: 'completed' });
    });

    it('POST /v1/jobs?wait=S again with the id of a job that ended answers its record at once', async () => {
      const id = `sync-again-${Date.now()}`;
      expect((await call('POST', '/v1/jobs', validJob({ id }))).status).toBe(202);
      harness.finish?.(id);
      expect((await call('GET', `/v1/jobs/${id}?wait=5`)).json.status).toBe('completed');
      const again = await call('POST', '/v1/jobs?wait=2', validJob({ id }));
      expect(again.status).toBe(200);
      expect(again.json).toMatchObject({ id, status: 'completed' });
    });

    it('POST /v1/jobs?wait=S answers 202 when the job is not done in time', async () => {
      if (!harness.jobsStayQueued) return;
      const got = await call('POST', '/v1/jobs?wait=0.1', validJob());
      expect(got.status).toBe(202);
      expect(got.json.status).toBe('queued');
    });

    it('POST /v1/jobs/batch answers the ids in order', async () => {
      const got = await call('POST', '/v1/jobs/batch', {
        jobs: [validJob(), validJob({ level: 'basic' })],
      });
      expect(got.status).toBe(202);
      const ids = got.json.ids as string[];
      expect(ids).toHaveLength(2);
      expect((got.json.jobs as Array<{ level_name: string }>).map((j) => j.level_name)).toEqual([
        'full',
        'basic',
      ]);
    });

    it('DELETE /v1/jobs/:id cancels a queued job, 409 with the record once final, 404 unknown', async () => {
      const { json } = await call('POST', '/v1/jobs', validJob());
      const id = String(json.id);
      if (harness.jobsStayQueued) {
        const cancelled = await call('DELETE', `/v1/jobs/${id}`);
        expect(cancelled.status).toBe(200);
        expect(cancelled.json.status).toBe('cancelled');
      }
      if (harness.finish) {
        const other = String((await call('POST', '/v1/jobs', validJob())).json.id);
        harness.finish(other);
        const refused = await call('DELETE', `/v1/jobs/${other}`);
        expect(refused.status).toBe(409);
        expect(refused.json.job).toMatchObject({ id: other, status: 'completed' });
      }
      expect((await call('DELETE', '/v1/jobs/never-seen-x')).status).toBe(404);
    });

    it('GET /v1/ladder answers every level with queues and breakers', async () => {
      const got = await call('GET', '/v1/ladder');
      expect(got.status).toBe(200);
      const levels = got.json.levels as Array<{ name: string; state: string; targets: unknown[] }>;
      expect(levels.map((l) => l.name)).toContain('full');
      for (const l of levels) expect(['live', 'down', 'paused', 'budget']).toContain(l.state);
    });

    it('POST /v1/breakers/:provider/:model forces a breaker and hands it back', async () => {
      const open = await call('POST', `/v1/breakers/${harness.target}`, { action: 'open' });
      expect(open.status).toBe(200);
      const ladder = await call('GET', '/v1/ladder');
      const targets = (
        ladder.json.levels as Array<{
          targets: Array<{ target: string; breaker: { state: string } }>;
        }>
      ).flatMap((l) => l.targets);
      expect(targets.find((t) => t.target === harness.target)?.breaker.state).toBe('forced_open');
      expect(
        (await call('POST', `/v1/breakers/${harness.target}`, { action: 'auto' })).status,
      ).toBe(200);
      expect((await call('POST', '/v1/breakers/nobody/nothing', { action: 'open' })).status).toBe(
        404,
      );
      expect(
        (await call('POST', `/v1/breakers/${harness.target}`, { action: 'explode' })).status,
      ).toBe(400);
    });
  });
}
