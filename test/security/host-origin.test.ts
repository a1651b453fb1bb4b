import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeLadderOps } from '../api/fake-ops.js';
import {
  basic,
  bearer,
  rawRequest,
  startApi,
  TOKEN,
  validJob,
  type RunningApi,
} from '../api/harness.js';

const JSON_TYPE = { 'Content-Type': 'application/json' };

describe('open mode (no tokens): DNS rebinding', () => {
  const ops = new FakeLadderOps();
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi({ ops, config: { tokens: [] } });
  });
  afterAll(async () => api.close());

  it.each([
    'attacker.example',
    'attacker.example:PORT',
    '127.0.0.1.nip.io:PORT',
    'localhost:1',
    '127.0.0.2:PORT',
    '0.0.0.0:PORT',
  ])('refuses Host %s with 403, on reads and writes alike', async (host) => {
    const headers = { Host: host.replace('PORT', String(api.port)) };
    const read = await rawRequest(api.port, 'GET', '/v1/ladder', headers);
    expect(read.status).toBe(403);
    expect(JSON.parse(read.body)).toHaveProperty('error.message');
    const write = await rawRequest(
      api.port,
      'POST',
      '/v1/jobs',
      { ...headers, ...JSON_TYPE },
      JSON.stringify(validJob()),
    );
    expect(write.status).toBe(403);
    const breaker = await rawRequest(
      api.port,
      'POST',
      '/v1/breakers/anthropic/claude-opus-4-1',
      { ...headers, ...JSON_TYPE },
      '{"action":"open"}',
    );
    expect(breaker.status).toBe(403);
    expect(ops.enqueued).toBe(0);
    expect(ops.breakerCalls).toHaveLength(0);
  });

  it.each(['localhost:PORT', '127.0.0.1:PORT', '[::1]:PORT', 'LOCALHOST:PORT'])(
    'serves Host %s',
    async (host) => {
      const headers = { Host: host.replace('PORT', String(api.port)) };
      expect((await rawRequest(api.port, 'GET', '/v1/ladder', headers)).status).toBe(200);
    },
  );

  it('refuses a write whose Origin is another site, or null, and takes its own pages', async () => {
    const own = `http://localhost:${api.port}`;
    for (const origin of ['http://attacker.example', 'null', `http://localhost:${api.port + 1}`]) {
      const answer = await rawRequest(
        api.port,
        'POST',
        '/v1/jobs',
        { Origin: origin, ...JSON_TYPE },
        JSON.stringify(validJob()),
      );
      expect(answer.status, origin).toBe(403);
    }
    expect(ops.enqueued).toBe(0);
    const fromOwnPage = await rawRequest(
      api.port,
      'POST',
      '/v1/jobs',
      { Origin: own, ...JSON_TYPE },
      JSON.stringify(validJob()),
    );
    expect(fromOwnPage.status).toBe(202);
    // Reads from another origin are harmless: without CORS headers the page cannot read them.
    expect(
      (await rawRequest(api.port, 'GET', '/v1/ladder', { Origin: 'http://attacker.example' }))
        .status,
    ).toBe(200);
  });
});

describe('with tokens', () => {
  const ops = new FakeLadderOps();
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi({ ops, config: { tokens: [TOKEN] } });
  });
  afterAll(async () => api.close());

  it('serves any Host, but refuses a write whose Origin is not this server', async () => {
    const headers = { Host: 'ladder.internal', ...bearer(), ...JSON_TYPE };
    expect((await rawRequest(api.port, 'GET', '/v1/ladder', headers)).status).toBe(200);
    const foreign = await rawRequest(
      api.port,
      'POST',
      '/admin/breakers/anthropic/claude-opus-4-1',
      { ...headers, ...basic(), Origin: 'http://attacker.example' },
      '{"action":"open"}',
    );
    expect(foreign.status).toBe(403);
    expect(ops.breakerCalls).toHaveLength(0);
    const own = await rawRequest(
      api.port,
      'POST',
      '/v1/jobs',
      { ...headers, Origin: 'http://ladder.internal' },
      JSON.stringify(validJob()),
    );
    expect(own.status).toBe(202);
  });

  it('accepts basic auth only on paths whose raw form starts with /admin', async () => {
    for (const path of [
      '/v1/models/x/..%2f..%2fadmin',
      '/v1/models/x/..%2F..%2Fadmin%2Fladder',
      '/v1/../admin/ladder',
      '/ADMIN/ladder',
      '/%61dmin/ladder',
    ]) {
      const answer = await rawRequest(api.port, 'GET', path, basic());
      expect(answer.status, path).toBe(401);
    }
    expect((await rawRequest(api.port, 'GET', '/admin/ladder', basic())).status).toBe(200);
    expect((await rawRequest(api.port, 'GET', '/admin', basic())).status).toBe(302);
  });
});
