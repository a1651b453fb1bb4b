import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Router, type RequestHandler } from 'express';
import type { LadderOps } from '../producer/ladder-ops.js';

/** The API's breaker route, handed over by the app so the page's buttons use the same code. */
export interface BreakerRoute {
  path: string;
  handlers: RequestHandler[];
}

let template: string | undefined;

/** Read once, beside the compiled module (the build copies .html files to dist). */
function pageTemplate(): string {
  template ??= readFileSync(new URL('./ladder-page.html', import.meta.url), 'utf8');
  return template;
}

/**
 * Only the page's own inline script may run (a fresh nonce per answer), and it may talk only to
 * this origin: even if some state text slipped into markup, it could not execute or phone home.
 */
function securityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    "style-src 'unsafe-inline'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Mounted at `/admin`: the ladder page, the state it polls (`ladder.json`, the same as
 * `/v1/ladder` but under /admin auth so a browser's basic login covers it) and its breaker buttons.
 */
export function ladderPageRouter(
  ops: LadderOps,
  breakerRoute: BreakerRoute,
  basePath = '',
): Router {
  // The base is a ladder's name under /ladders (letters, digits, . _ -): safe in markup and script.
  if (!/^(\/[A-Za-z0-9._-]+)*$/.test(basePath)) throw new Error(`unusable base path ${basePath}`);
  const router = Router();
  router.get('/ladder', (_req, res) => {
    const nonce = randomBytes(16).toString('base64');
    res.setHeader('Content-Security-Policy', securityPolicy(nonce));
    res.setHeader('Cache-Control', 'no-store');
    const page = pageTemplate().replaceAll('__NONCE__', nonce).replaceAll('__BASE__', basePath);
    res.status(200).type('html').send(page);
  });
  router.get('/ladder.json', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json(await ops.ladder());
  });
  router.post(breakerRoute.path, ...breakerRoute.handlers);
  router.get('/', (_req, res) => {
    res.redirect(302, `${basePath}/admin/ladder`);
  });
  return router;
}
