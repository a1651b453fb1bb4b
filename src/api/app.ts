import express, { type Express, type RequestHandler } from 'express';
import { mountDashboard } from '../dashboard/mount.js';
import { authMode, createAuthMiddleware } from './auth.js';
import { errorHandler, notFound } from './error-handler.js';
import { hostOriginGuard } from './host-origin.js';
import { serveHotRoutes } from './hot-routes.js';
import { jsonBody } from './json-body.js';
import { mountAnthropicCompat } from './anthropic-compat/router.js';
import { chatCompletionsRoute, mountOpenAiCompat, openAiNotFound } from './openai-compat/router.js';
import { mountResponsesCompat } from './responses-compat/router.js';
import { docsRouter } from './routes/docs.js';
import { healthRouter } from './routes/health.js';
import { jobEventsRouter } from './routes/job-events.js';
import { jobsRouter } from './routes/jobs.js';
import { ladderRouter } from './routes/ladder.js';
import { reportRouter } from './routes/report.js';
import { BREAKER_PATH, breakerHandler } from './routes/breakers.js';
import { requireJson } from './validation.js';
import type { ApiAppOptions } from './types.js';

/** Headers every answer carries: no sniffing, no framing, nothing cached by intermediaries. */
export const baseHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  next();
};

/**
 * The HTTP API, Bull Board and the ladder page as one express app. The caller listens (see
 * `authMode` for where) and owns `ops`, the queues and their connections.
 */
export function createApiApp(options: ApiAppOptions): Express {
  const { ops, config, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  // Host and Origin first (DNS rebinding, cross-site writes), then auth, before any parsing or
  // routing: deny by default except the open paths.
  const front: RequestHandler[] = [
    hostOriginGuard({ open: !authMode(config).required }),
    createAuthMiddleware(config),
    baseHeaders,
    jsonBody({ limitBytes: config.maxBodyBytes, logger }),
  ];
  const jobs = jobsRouter({ ops, config });
  const chat = chatCompletionsRoute({ ops, config, logger });
  // The hot routes run `front` and their own handlers before the router (see hot-routes.ts).
  serveHotRoutes(app, front, [
    { base: '/v1', route: jobs.post },
    { base: '/v1', route: chat },
  ]);
  app.use(front);

  app.use(healthRouter({ readiness: options.readiness, metrics: options.metrics, logger }));
  app.use(docsRouter());
  // Before the generic /v1 routes, so its paths answer (and fail) in OpenAI's shape.
  mountOpenAiCompat(app, { ops, config, logger }, chat);
  mountAnthropicCompat(app, { ops, config, logger });
  mountResponsesCompat(app, { ops, config, logger });
  app.use('/v1', jobEventsRouter(ops));
  app.use('/v1', jobs.router);
  app.use('/v1', ladderRouter(ops));
  app.use('/v1', reportRouter(ops));
  // Clients written for OpenAI (and gateways) read a 404 under /v1 in OpenAI's shape.
  app.use('/v1', openAiNotFound);
  mountDashboard(app, {
    ops,
    queues: options.queues,
    basePath: options.basePath ?? '',
    breakerRoute: { path: BREAKER_PATH, handlers: [requireJson, breakerHandler(ops)] },
  });

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
