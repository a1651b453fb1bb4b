import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BULL_BOARD_POLICY } from '../../src/dashboard/bull-board-policy.js';
import { FakeLadderOps } from '../api/fake-ops.js';
import { bearer, startApi, type RunningApi } from '../api/harness.js';

let api: RunningApi;
beforeAll(async () => {
  api = await startApi({ ops: new FakeLadderOps() });
});
afterAll(async () => api.close());

/** Without a browser: what the dashboards send. test/dashboard renders them in Chromium. */
describe('security: the dashboards load nothing from other hosts', () => {
  it.each(['/admin/queues', '/admin/queues/queue/full'])(
    'Bull Board %s: its own CSP, and a page without links to other hosts',
    async (path) => {
      const answer = await fetch(api.url + path, { headers: bearer() });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-security-policy')).toBe(BULL_BOARD_POLICY);
      const html = await answer.text();
      // Still Bull Board's page, with its own scripts and styles.
      expect(html).toMatch(/<script defer src="static\/js\/main\.[\w.]+\.js">/);
      expect(html).toMatch(/<link href="static\/css\/main\.[\w.]+\.css" rel="stylesheet">/);
      expect(html).not.toMatch(/(?:src|href)=["']?(?:https?:)?\/\//i);
      expect(html).not.toContain('fonts.googleapis.com');
    },
  );

  it('Bull Board API answers carry the policy too', async () => {
    const answer = await fetch(`${api.url}/admin/queues/api/queues`, { headers: bearer() });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-security-policy')).toBe(BULL_BOARD_POLICY);
    expect(await answer.json()).toMatchObject({ queues: [] });
  });

  it('the ladder page: a nonce CSP and no link to another host', async () => {
    const answer = await fetch(`${api.url}/admin/ladder`, { headers: bearer() });
    expect(answer.headers.get('content-security-policy')).toMatch(
      /default-src 'none'; script-src 'nonce-[\w+/=]+'/,
    );
    expect(await answer.text()).not.toMatch(/(?:src|href)=["']?(?:https?:)?\/\//i);
  });
});
