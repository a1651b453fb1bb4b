import { Router } from 'express';
import type { Logger } from '../../util/log.js';
import type { Readiness } from '../types.js';

/** Prometheus text exposition format 0.0.4, what prom-client renders. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface HealthRouteDeps {
  readiness: () => Promise<Readiness>;
  /** Without it there is no `/metrics` route (the root of a several-ladder API has none). */
  metrics?: () => Promise<string>;
  logger: Logger;
}

function ladderStatuses(
  ladders: Record<string, Readiness>,
): Record<string, { status: string; detail?: string }> {
  return Object.fromEntries(
    Object.entries(ladders).map(([name, ready]) => [
      name,
      {
        status: ready.ok ? 'ready' : 'not_ready',
        ...(ready.detail === undefined ? {} : { detail: ready.detail }),
      },
    ]),
  );
}

/** `/healthz` (the process answers), `/readyz` (it can serve), `/metrics`. */
export function healthRouter({ readiness, metrics, logger }: HealthRouteDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    let ready: Readiness;
    try {
      ready = await readiness();
    } catch (error) {
      // The endpoint is open: the reason goes to the log, not to the caller.
      logger.warn({ err: error }, 'readiness check failed');
      ready = { ok: false, detail: 'readiness check failed' };
    }
    res.status(ready.ok ? 200 : 503).json({
      status: ready.ok ? 'ready' : 'not_ready',
      ...(ready.detail === undefined ? {} : { detail: ready.detail }),
      ...(ready.ladders === undefined ? {} : { ladders: ladderStatuses(ready.ladders) }),
    });
  });
  if (metrics !== undefined) {
    router.get('/metrics', async (_req, res) => {
      const text = await metrics();
      res.status(200).type(PROMETHEUS_CONTENT_TYPE).send(text);
    });
  }
  return router;
}
