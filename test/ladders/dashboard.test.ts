import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwoLadders, type TwoLadders } from './two-ladders.js';

const CHROMIUM = '/usr/bin/chromium';

/** The ladder page and Bull Board of one ladder of several, under /ladders/{name}, in Chromium. */
describe.skipIf(!existsSync(CHROMIUM))('dashboards under /ladders/{name} in Chromium', () => {
  let two: TwoLadders;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    two = await startTwoLadders();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    context = await browser.newContext({
      httpCredentials: { username: 'operator', password: two.a.token },
    });
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await two?.close();
  });

  it("the ladder page polls its own ladder's state, forces its breakers and links to its Bull Board", async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${two.a.url}/admin/ladder`);
    await page.locator('section.level[data-level="2"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('section.level').count()).toBe(2);
    const target = page.locator('.target[data-target="simulated/opus-sim"]');
    await target.locator('button[data-action="open"]').click();
    await expect
      .poll(() => two.a.ladder.ops.ladder().then((s) => s.levels[0]?.targets[0]?.breaker.state))
      .toBe('forced_open');
    // Only ladder a's breaker: b's is untouched.
    const b = await two.b.ladder.ops.ladder();
    expect(b.levels[0]?.targets[0]?.breaker.state).toBe('closed');
    await target.locator('button[data-action="auto"]').click();
    await expect
      .poll(() => two.a.ladder.ops.ladder().then((s) => s.levels[0]?.targets[0]?.breaker.state))
      .toBe('closed');
    await page.getByRole('link', { name: 'Queues (Bull Board)' }).click();
    await page.waitForURL(`${two.a.url}/admin/queues`);
    await page
      .locator(`a[title="full"][href="/ladders/${two.a.name}/admin/queues/queue/full"]`)
      .first()
      .waitFor({ timeout: 15_000 });
    expect(errors).toEqual([]);
    await page.close();
  });
});
