import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authMode, credentialFrom, tokenMatcher } from '../../src/api/auth.js';
import { isOpenPath, normalisePath } from '../../src/api/auth-path.js';
import { FakeLadderOps } from './fake-ops.js';
import {
  basic,
  bearer,
  rawRequest,
  startApi,
  TOKEN,
  validJob,
  type RunningApi,
} from './harness.js';

describe('auth on (tokens configured)', () => {
  const ops = new FakeLadderOps();
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi({ ops, config: { tokens: [TOKEN, 'second-token'] } });
  });
  afterAll(async () => api.close());

  it.each(['/healthz', '/readyz', '/openapi.json', '/docs', '/healthz/', '/healthz?x=1'])(
    '%s is open',
    async (path) => {
      expect((await rawRequest(api.port, 'GET', path)).status).toBe(200);
    },
  );

  it.each([
    '/v1/ladder',
    '/v1/jobs/abc',
    '/metrics',
    '/admin/ladder',
    '/admin/queues',
    '/admin/ladder.json',
    '/nowhere',
  ])('%s needs a token', async (path) => {
    const res = await rawRequest(api.port, 'GET', path);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toHaveProperty('error.message');
  });

  it('accepts every configured token, as bearer with any scheme case', async () => {
    expect((await rawRequest(api.port, 'GET', '/v1/ladder', bearer())).status).toBe(200);
    expect((await rawRequest(api.port, 'GET', '/v1/ladder', bearer('second-token'))).status).toBe(
      200,
    );
    expect(
      (await rawRequest(api.port, 'GET', '/v1/ladder', { Authorization: `bearer ${TOKEN}` }))
        .status,
    ).toBe(200);
    expect((await rawRequest(api.port, 'GET', '/metrics', bearer())).status).toBe(200);
  });

  it.each([
    ['wrong token', { Authorization: 'Bearer nope' }],
    ['token prefix', { Authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
    ['token with suffix', { Authorization: `Bearer ${TOKEN}x` }],
    ['empty bearer', { Authorization: 'Bearer ' }],
    ['scheme only', { Authorization: 'Bearer' }],
    ['token without scheme', { Authorization: TOKEN }],
    ['unknown scheme', { Authorization: `Token ${TOKEN}` }],
    ['basic outside /admin', basic()],
    ['two tokens', { Authorization: `Bearer ${TOKEN} ${TOKEN}` }],
  ])('refuses %s on /v1', async (_name, headers) => {
    const res = await rawRequest(api.port, 'GET', '/v1/ladder', headers);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="llm-ladder"');
  });

  it('never echoes the header or a token in a refusal', async () => {
    const res = await rawRequest(api.port, 'GET', '/v1/ladder', {
      Authorization: 'Bearer leaked-secret-123',
    });
    expect(res.body).not.toContain('leaked-secret-123');
    const near = await rawRequest(api.port, 'GET', '/v1/ladder', {
      Authorization: `Bearer ${TOKEN}0`,
    });
    expect(near.body).not.toContain(TOKEN);
    expect(JSON.stringify(near.headers)).not.toContain(TOKEN);
  });

  it.each([
    ['GET', '/V1/ladder'],
    ['GET', '/v1/Ladder'],
    ['GET', '//v1/ladder'],
    ['GET', '/v1//ladder'],
    ['GET', '/v1/../v1/ladder'],
    ['GET', '/./v1/ladder'],
    ['GET', '/healthz/../v1/ladder'],
    ['GET', '/docs/..%2Fv1/ladder'],
    ['GET', '/v1%2Fladder'],
    ['GET', '/v1%2fladder'],
    ['GET', '/%76%31/ladder'],
    ['GET', '/v1/ladder/'],
    ['GET', '/v1/ladder;/healthz'],
    ['GET', '/v1/jobs/..%2F..%2Fhealthz'],
    ['GET', '/v1/jobs/%2e%2e%2f%2e%2e%2fhealthz'],
    ['GET', '/admin%2fqueues'],
    ['GET', '/ADMIN/queues'],
    ['GET', '/admin/queues/'],
    ['GET', '/admin/../admin/ladder'],
    ['GET', '/admin%2Fladder'],
    ['GET', '/admin\\ladder'],
    ['GET', '/healthz%00/../v1/ladder'],
    ['GET', 'http://127.0.0.1/v1/ladder'],
    ['POST', '/V1/jobs'],
    ['POST', '//v1/jobs'],
    ['POST', '/v1/../v1/jobs'],
    ['POST', '/v1/jobs/'],
    ['POST', '/v1%2Fjobs'],
    ['DELETE', '/v1/jobs/x/'],
    ['POST', '/V1/BREAKERS/anthropic/claude-opus-4-1'],
  ])('%s %s without a token is refused and enqueues nothing', async (method, path) => {
    const before = ops.enqueued;
    const body =
      method === 'POST'
        ? JSON.stringify(path.toLowerCase().includes('breakers') ? { action: 'open' } : validJob())
        : undefined;
    const res = await rawRequest(
      api.port,
      method,
      path,
      body ? { 'Content-Type': 'application/json' } : {},
      body,
    );
    expect(res.status).toBe(401);
    expect(ops.enqueued).toBe(before);
    expect(ops.breakerCalls).toHaveLength(0);
  });

  it('a valid token still works on the odd spellings the router accepts', async () => {
    expect((await rawRequest(api.port, 'GET', '/V1/ladder', bearer())).status).toBe(200);
    expect((await rawRequest(api.port, 'GET', '/v1/ladder/', bearer())).status).toBe(200);
  });

  describe('/admin/*', () => {
    it('asks browsers for basic auth', async () => {
      const res = await rawRequest(api.port, 'GET', '/admin/ladder');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="llm-ladder"');
    });

    it('accepts basic auth with the token as password (any user name) and bearer', async () => {
      expect((await rawRequest(api.port, 'GET', '/admin/ladder', basic())).status).toBe(200);
      expect(
        (await rawRequest(api.port, 'GET', '/admin/ladder.json', basic(TOKEN, ''))).status,
      ).toBe(200);
      expect((await rawRequest(api.port, 'GET', '/admin/ladder', bearer())).status).toBe(200);
      expect((await rawRequest(api.port, 'GET', '/admin/queues/', basic())).status).toBe(200);
    });

    it('/admin leads to the ladder page', async () => {
      const res = await rawRequest(api.port, 'GET', '/admin', basic());
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('/admin/ladder');
    });

    it('refuses wrong or malformed basic credentials', async () => {
      for (const headers of [
        basic('wrong'),
        { Authorization: `Basic ${Buffer.from(TOKEN).toString('base64')}` },
        { Authorization: 'Basic !!!not-base64' },
        { Authorization: `Basic ${Buffer.from(`${TOKEN}:`).toString('base64')}` },
      ]) {
        expect((await rawRequest(api.port, 'GET', '/admin/ladder', headers)).status).toBe(401);
      }
    });

    it('breaker buttons need JSON, which a cross-site form cannot send', async () => {
      const path = '/admin/breakers/anthropic/claude-opus-4-1';
      const form = await rawRequest(
        api.port,
        'POST',
        path,
        { ...basic(), 'Content-Type': 'text/plain' },
        '{"action":"open"}',
      );
      expect(form.status).toBe(415);
      expect(ops.breakerCalls).toHaveLength(0);
      const ok = await rawRequest(
        api.port,
        'POST',
        path,
        { ...basic(), 'Content-Type': 'application/json' },
        '{"action":"open"}',
      );
      expect(ok.status).toBe(200);
      expect(ops.breakerCalls).toEqual([{ target: 'anthropic/claude-opus-4-1', action: 'open' }]);
      ops.breakerCalls.length = 0;
    });
  });
});

describe('auth off (no token configured)', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi({ ops: new FakeLadderOps(), config: { tokens: [] } });
  });
  afterAll(async () => api.close());

  it('serves everything without a token', async () => {
    for (const path of ['/v1/ladder', '/metrics', '/admin/ladder', '/admin/ladder.json']) {
      expect((await rawRequest(api.port, 'GET', path)).status).toBe(200);
    }
  });

  it('authMode says to listen on loopback only', () => {
    expect(authMode({ tokens: [] })).toMatchObject({ required: false, bindHost: '127.0.0.1' });
    expect(authMode({ tokens: ['', '  '] })).toMatchObject({
      required: false,
      bindHost: '127.0.0.1',
    });
    expect(authMode({ tokens: ['t'] })).toMatchObject({ required: true, bindHost: '0.0.0.0' });
    expect(authMode({ tokens: ['secret-abc'] }).message).not.toContain('secret-abc');
  });
});

describe('auth helpers', () => {
  it('an empty token never matches, even configured', () => {
    const matches = tokenMatcher(['', 'real']);
    expect(matches('')).toBe(false);
    expect(matches('real')).toBe(true);
    expect(matches('rea')).toBe(false);
  });

  it('reads bearer and basic credentials', () => {
    expect(credentialFrom(`Bearer abc`, false)).toBe('abc');
    expect(credentialFrom(basic('pw:with:colons').Authorization, true)).toBe('pw:with:colons');
    expect(credentialFrom(basic('pw').Authorization, false)).toBeNull();
    expect(credentialFrom(undefined, true)).toBeNull();
  });

  it('opens only the exact open paths', () => {
    expect(isOpenPath('/healthz')).toBe(true);
    expect(isOpenPath('/docs/')).toBe(true);
    expect(isOpenPath('/HEALTHZ')).toBe(false);
    expect(isOpenPath('//healthz')).toBe(false);
    expect(isOpenPath('/healthz/../v1/jobs')).toBe(false);
    expect(isOpenPath('/%68ealthz')).toBe(false);
  });

  it('normalises paths the way a lenient server would', () => {
    expect(normalisePath('/V1/../ADMIN//queues/')).toBe('/admin/queues');
    expect(normalisePath('/admin%2fqueues')).toBe('/admin/queues');
    expect(normalisePath('/admin%252fqueues')).toBe('/admin/queues');
    expect(normalisePath('/%E0%A4%A')).toBeNull();
  });
});
