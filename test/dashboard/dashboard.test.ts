import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FakeLadderOps } from '../api/fake-ops.js';
import { startApi, TOKEN, type RunningApi } from '../api/harness.js';

const CHROMIUM = '/usr/bin/chromium';
const LEVELS = ['full', 'reduced', 'basic', 'cached', 'static'];

/** Bull Board and the ladder page in a real headless Chromium, over real BullMQ queues. */
describe.skipIf(!existsSync(CHROMIUM))('dashboard in headless Chromium', () => {
  const ops = new FakeLadderOps();
  const prefix = `test-dash-${randomBytes(4).toString('hex')}`;
  let redis: Redis;
  let queues: Queue[];
  let api: RunningApi;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    queues = LEVELS.map((name) => new Queue(name, { connection: redis, prefix }));
    await queues[0]?.add(
      'completion',
      { request: { messages: [{ role: 'user', content: 'hi' }] } },
      { jobId: 'job.dash-1' },
    );
    await queues[0]?.add(
      'completion',
      {
        request: { messages: [{ role: 'user', content: 'routed' }] },
        _ladder: { entry_level: 1, floor: 5, enqueued_at: 0 },
      },
      { jobId: 'job.dash-2' },
    );
    api = await startApi({ ops, queues });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    context = await browser.newContext({
      httpCredentials: { username: 'operator', password: TOKEN },
    });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await api?.close();
    for (const queue of queues ?? []) {
      await queue.obliterate({ force: true });
      await queue.close();
    }
    redis?.disconnect();
  });

  it('without credentials the browser is asked for basic auth', async () => {
    const anonymous = await browser.newContext();
    try {
      // Headless Chromium cannot show the prompt (page.goto fails); the request API shows the challenge.
      for (const path of ['/admin/ladder', '/admin/queues', '/admin/ladder.json']) {
        const answer = await anonymous.request.get(`${api.url}${path}`);
        expect(answer.status()).toBe(401);
        expect(answer.headers()['www-authenticate']).toBe('Basic realm="llm-ladder"');
      }
    } finally {
      await anonymous.close();
    }
  });

  it('Bull Board lists every level queue, read-only, with a link to the ladder page', async () => {
    const page = await context.newPage();
    await page.goto(`${api.url}/admin/queues`);
    for (const name of LEVELS) {
      await page
        .locator(`a[title="${name}"][href="/admin/queues/queue/${name}"]`)
        .first()
        .waitFor({ timeout: 15_000 });
    }
    expect(await page.title()).toBe('llm-ladder');
    // Read-only: no button in Bull Board may pause a queue (the breaker owns that flag).
    expect(await page.getByRole('button', { name: /pause/i }).count()).toBe(0);
    // Its own API, behind the same auth, sees the queues.
    const api_ = await page.request.get(`${api.url}/admin/queues/api/queues`);
    expect(api_.status()).toBe(200);
    const body = (await api_.json()) as {
      queues: Array<{ name: string; displayName: string; readOnlyMode: boolean }>;
    };
    // Ladder order, not alphabetical: in the menu, and by display name in the overview.
    expect(body.queues.map((q) => q.name)).toEqual(LEVELS);
    expect(body.queues.map((q) => q.displayName)).toEqual(LEVELS.map((n, i) => `${i + 1} ${n}`));
    expect(body.queues.every((q) => q.readOnlyMode)).toBe(true);
    const links = page.locator('a[href^="/admin/queues/queue/"]');
    const titles = async (): Promise<Array<string | null>> => {
      const menu: Array<string | null> = [];
      for (let i = 0; i < (await links.count()); i++)
        menu.push(await links.nth(i).getAttribute('title'));
      return menu;
    };
    // The side menu by name, then the overview's cards by display name (the cards render after
    // the menu, once the page has fetched the queues: on a busy machine that is later).
    await expect
      .poll(titles, { timeout: 15_000 })
      .toEqual([...LEVELS, ...LEVELS.map((n, i) => `${i + 1} ${n}`)]);
    // A job's view hides the ladder's routing data and labels it in the name instead.
    const job = await page.request.get(`${api.url}/admin/queues/api/queues/full/job.dash-2`);
    expect(job.status()).toBe(200);
    const shown = (await job.json()) as { job: { name: string; data: Record<string, unknown> } };
    expect(shown.job.name).toBe('completion · entered level 1, floor 5');
    expect(shown.job.data).toEqual({
      request: { messages: [{ role: 'user', content: 'routed' }] },
    });
    // The ladder page is a misc link in the header's user menu.
    await page.locator('header ul li button').last().click();
    await page.getByRole('menuitem', { name: 'Ladder' }).click();
    await page.waitForURL(`${api.url}/admin/ladder`);
    await page.locator('section.level').first().waitFor();
    await page.close();
  });

  it.each(['/admin/queues', '/admin/queues/queue/full', '/admin/queues/queue/full/job.dash-1'])(
    'Bull Board at %s renders under its CSP and asks no other host for anything',
    async (path) => {
      const page = await context.newPage();
      const outside: string[] = [];
      const problems: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith(`${api.url}/`)) outside.push(r.url());
      });
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      const answer = await page.goto(`${api.url}${path}`);
      expect(answer?.headers()['content-security-policy']).toMatch(/default-src 'none'/);
      // Rendered: the level queues are listed in the side menu on every page.
      await page
        .locator('a[title="static"][href="/admin/queues/queue/static"]')
        .first()
        .waitFor({ timeout: 15_000 });
      if (path.endsWith('dash-1')) await page.getByText('job.dash-1').first().waitFor();
      await page.waitForLoadState('networkidle');
      expect(outside).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    },
  );

  it('the ladder page draws each level with its state and each breaker light', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(`${api.url}/`)) outside.push(r.url());
    });
    const answer = await page.goto(`${api.url}/admin/ladder`);
    expect(answer?.headers()['content-security-policy']).toMatch(/script-src 'nonce-/);
    await page.locator('section.level[data-level="5"]').waitFor({ timeout: 10_000 });

    // Attributes through locators: the test tsconfig has no DOM types for evaluate callbacks.
    const sections = page.locator('section.level');
    const rows: Array<{ level: string | null; name: string | null; badge: string | null }> = [];
    for (let i = 0; i < (await sections.count()); i++) {
      const section = sections.nth(i);
      rows.push({
        level: await section.getAttribute('data-level'),
        name: await section.getAttribute('data-name'),
        badge: await section.locator('.badge').textContent(),
      });
    }
    expect(rows).toEqual(LEVELS.map((name, i) => ({ level: String(i + 1), name, badge: 'live' })));

    const full = page.locator('section.level[data-level="1"]');
    await expect
      .poll(() => full.locator('.stats').textContent())
      .toMatch(/waiting 3.*active 2.*delayed 1.*served last hour 42.*\$12\.40 \/ \$50\.00/);

    const sonnet = page.locator('.target[data-target="anthropic/claude-sonnet-4"]');
    expect(await sonnet.getAttribute('data-breaker-state')).toBe('open');
    expect(await sonnet.locator('.light').getAttribute('class')).toBe('light open');
    expect(await sonnet.locator('.countdown').textContent()).toMatch(/^half-open in \d+ s$/);
    // The provider's error text is shown as text: the markup in it never becomes an element.
    expect(await sonnet.locator('.err').textContent()).toMatch(
      /^last error at .+ \(\d+ (s|min|h) ago\): 529 \[transient\] <img src=x onerror=alert\(1\)>overloaded$/,
    );
    expect(await sonnet.locator('.err').getAttribute('data-past')).toBe('false');
    expect(await sonnet.locator('.err').getAttribute('title')).toBe('2025-01-01T00:00:00.000Z');
    // An error from before the breaker closed again is shown greyed, as history.
    const gpt = page.locator('.target[data-target="openai/gpt-4o"] .err');
    expect(await gpt.getAttribute('class')).toBe('err past');
    expect(await gpt.textContent()).toMatch(
      /^last error, before it closed at .+: 503 \[transient\] unavailable$/,
    );
    expect(await page.locator('img').count()).toBe(0);
    expect(
      await page
        .locator('.target[data-target="openrouter/meta-llama/llama-3-8b"]')
        .getAttribute('data-breaker-state'),
    ).toBe('half_open');
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
    await page.close();
  });

  it('the ladder page opened with the token in the URL (http://user:token@host) loads and forces breakers', async () => {
    const plain = await browser.newContext();
    try {
      const page = await plain.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const withCredentials = new URL(`${api.url}/admin/ladder`);
      withCredentials.username = 'admin';
      withCredentials.password = TOKEN;
      await page.goto(withCredentials.href);
      await page.locator('section.level[data-level="5"]').waitFor({ timeout: 10_000 });
      expect(await page.locator('#status').getAttribute('class')).not.toBe('error');
      const before = ops.breakerCalls.length;
      await page
        .locator('.target[data-target="anthropic/claude-opus-4-1"] button[data-action="open"]')
        .click();
      await expect.poll(() => ops.breakerCalls.length).toBe(before + 1);
      expect(await page.locator('#status').textContent()).not.toMatch(/cannot|failed/);
      expect(errors).toEqual([]);
      await page
        .locator('.target[data-target="anthropic/claude-opus-4-1"] button[data-action="auto"]')
        .click();
      await expect.poll(() => ops.breakerCalls.length).toBe(before + 2);
    } finally {
      await plain.close();
    }
  });

  it('a force-open button calls ops.breaker and the page shows the forced state', async () => {
    const page = await context.newPage();
    await page.goto(`${api.url}/admin/ladder`);
    const opus = page.locator('.target[data-target="anthropic/claude-opus-4-1"]');
    await opus.waitFor();
    expect(await opus.getAttribute('data-breaker-state')).toBe('closed');
    await opus.locator('button[data-action="open"]').click();
    await expect
      .poll(() => ops.breakerCalls)
      .toContainEqual({ target: 'anthropic/claude-opus-4-1', action: 'open' });
    await expect
      .poll(() =>
        page
          .locator('.target[data-target="anthropic/claude-opus-4-1"]')
          .getAttribute('data-breaker-state'),
      )
      .toBe('forced_open');
    await page
      .locator('.target[data-target="anthropic/claude-opus-4-1"] button[data-action="auto"]')
      .click();
    await expect
      .poll(() => ops.breakerCalls.at(-1))
      .toEqual({ target: 'anthropic/claude-opus-4-1', action: 'auto' });
    await page.close();
  });
});
