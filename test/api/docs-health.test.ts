import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeLadderOps } from './fake-ops.js';
import { bearer, rawRequest, startApi, type RunningApi } from './harness.js';

describe('health, readiness, metrics, OpenAPI and docs', () => {
  let ready: { ok: boolean; detail?: string } | Error = { ok: true };
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi({
      ops: new FakeLadderOps(),
      readiness: async () => {
        if (ready instanceof Error) throw ready;
        return ready;
      },
      metrics: async () =>
        '# HELP ladder_jobs_total Jobs\n# TYPE ladder_jobs_total counter\nladder_jobs_total{outcome="completed"} 3\n',
    });
  });
  afterAll(async () => api.close());

  it('/healthz answers while the process lives, whatever readiness says', async () => {
    ready = { ok: false, detail: 'redis unreachable' };
    const res = await rawRequest(api.port, 'GET', '/healthz');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
  });

  it('/readyz follows the readiness check, 503 when not ready', async () => {
    ready = { ok: true };
    expect(JSON.parse((await rawRequest(api.port, 'GET', '/readyz')).body)).toEqual({
      status: 'ready',
    });
    ready = { ok: false, detail: 'redis unreachable' };
    const down = await rawRequest(api.port, 'GET', '/readyz');
    expect(down.status).toBe(503);
    expect(JSON.parse(down.body)).toEqual({ status: 'not_ready', detail: 'redis unreachable' });
  });

  it('/readyz hides why a readiness check threw', async () => {
    ready = new Error('connect ECONNREFUSED redis://:hunter2@10.0.0.5');
    const res = await rawRequest(api.port, 'GET', '/readyz');
    expect(res.status).toBe(503);
    expect(res.body).not.toContain('hunter2');
    ready = { ok: true };
  });

  it('/metrics serves the Prometheus text', async () => {
    const res = await rawRequest(api.port, 'GET', '/metrics', bearer());
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.body).toContain('# TYPE ladder_jobs_total counter');
  });

  it('/openapi.json is OpenAPI 3.1 listing every endpoint and the schemas', async () => {
    const res = await rawRequest(api.port, 'GET', '/openapi.json');
    const doc = JSON.parse(res.body) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/jobs',
        '/v1/jobs/batch',
        '/v1/jobs/{id}',
        '/v1/ladder',
        '/v1/breakers/{provider}/{model}',
        '/healthz',
        '/readyz',
        '/metrics',
        '/openapi.json',
        '/docs',
        '/v1/chat/completions',
        '/v1/responses',
        '/v1/messages',
        '/v1/messages/count_tokens',
      ]),
    );
    expect(Object.keys(doc.paths['/v1/jobs/{id}'] ?? {})).toEqual(['get', 'delete']);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Job', 'Result', 'Ladder', 'Level', 'Breaker', 'Error']),
    );
    expect(Object.keys(doc.components.schemas.Job?.properties ?? {})).toEqual(
      expect.arrayContaining([
        'id',
        'request',
        'level',
        'complexity',
        'floor',
        'deadline_ms',
        'cache',
        'metadata',
      ]),
    );
    // Every $ref points at a schema that exists.
    for (const [, name] of res.body.matchAll(/"#\/components\/schemas\/([A-Za-z]+)"/g)) {
      expect(doc.components.schemas).toHaveProperty(name ?? '');
    }
  });

  it('/docs renders the endpoint list without scripts', async () => {
    const res = await rawRequest(api.port, 'GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('/v1/jobs/batch');
    expect(res.body).toContain('/v1/breakers/{provider}/{model}');
    expect(res.body).not.toMatch(/<script|https?:\/\/(?!127)/);
  });
});
