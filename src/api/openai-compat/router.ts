import {
  Router,
  type ErrorRequestHandler,
  type Express,
  type RequestHandler,
  type Response,
} from 'express';
import type { ApiConfig } from '../../config/types.js';
import type { LadderOps } from '../../producer/ladder-ops.js';
import type { Logger } from '../../util/log.js';
import type { HotRouteSpec, TerminalHandler } from '../hot-routes.js';
import { catalogOf, enqueueBuilt, submitAndServe } from '../compat/submit.js';
import { OpenAiError, openAiErrorBody, toOpenAiError } from './errors.js';
import { parseLadderHeaders } from './ladder-headers.js';
import { entryFor } from './model-map.js';
import { findModel, modelList } from './models.js';
import { OPENAI_COMPAT_PATHS } from './paths.js';
import { parseChatRequest } from './request-schema.js';
import { toChunks } from './stream-chunks.js';
import { streamAnswer } from './stream-answer.js';
import { toChatCompletion, type ServedRecord } from './to-completion.js';
import { toJob } from './to-job.js';

export interface OpenAiCompatDeps {
  ops: LadderOps;
  config: Pick<ApiConfig, 'syncTimeoutMs'>;
  logger: Logger;
}

/**
 * How long past the deadline the request still waits: a job past its deadline may still take an
 * instant cache or static answer on its way down, which is better than a 504.
 */
export const DEADLINE_GRACE_MS = 1_000;

/** SSE events written one by one, after the headers that carry the ladder's facts. */
function writeStream(res: Response, record: ServedRecord, includeUsage: boolean): void {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache');
  // Proxies such as nginx would otherwise buffer the events.
  res.setHeader('X-Accel-Buffering', 'no');
  for (const chunk of toChunks(record, { includeUsage }))
    res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  res.end('data: [DONE]\n\n');
}

/**
 * `POST /v1/chat/completions`: the router below and the app's hot lane (hot-routes.ts) both serve
 * this one definition.
 */
export function chatCompletionsRoute({ ops, config }: OpenAiCompatDeps): HotRouteSpec {
  const handler: TerminalHandler = async (req, res) => {
    // Everything is checked before anything is enqueued, so a 400 never leaves a job behind.
    const request = parseChatRequest(req.body);
    const headers = parseLadderHeaders(req.headers, config.syncTimeoutMs);
    const entry = entryFor(await catalogOf(ops), request.model);
    const built = toJob({ request, entry, headers });
    const waitMs = headers.deadlineMs + DEADLINE_GRACE_MS;
    const events = ops.events?.bind(ops);
    if (request.stream !== true || !events) {
      const served = await submitAndServe({
        res,
        ops,
        built,
        waitMs,
        deadlineMs: headers.deadlineMs,
      });
      // Ops without an event source stream the finished answer, with its real status and headers.
      if (request.stream === true) {
        writeStream(res, served, request.stream_options?.include_usage === true);
        return;
      }
      res.status(200).json(toChatCompletion(served));
      return;
    }
    const { id, created } = await enqueueBuilt(ops, built);
    res.setHeader('X-Ladder-Job-Id', id);
    await streamAnswer({
      res,
      ops,
      events,
      jobId: id,
      created,
      model: request.model,
      includeUsage: request.stream_options?.include_usage === true,
      waitMs,
      deadlineMs: headers.deadlineMs,
    });
  };
  return { method: 'POST', path: '/chat/completions', chain: [], handler };
}

/** `POST /v1/chat/completions` and `GET /v1/models`, served by the ladder. */
export function openAiCompatRouter({ ops }: OpenAiCompatDeps, chat: HotRouteSpec): Router {
  const router = Router();
  const startedSeconds = Math.floor(Date.now() / 1000);

  router.post(chat.path, ...chat.chain, chat.handler);

  router.all('/chat/completions', (_req, res) => {
    res.setHeader('Allow', 'POST');
    throw new OpenAiError(405, 'use POST /v1/chat/completions', { type: 'invalid_request_error' });
  });

  router.get('/models', async (_req, res) => {
    res.status(200).json(modelList(await catalogOf(ops), startedSeconds));
  });

  // Targets hold slashes (`openai/gpt-4o`), sent raw or encoded; both arrive as segments here.
  router.get('/models/*model', async (req, res) => {
    const raw: unknown = req.params.model;
    const id = Array.isArray(raw) ? raw.join('/') : String(raw);
    res.status(200).json(findModel(await catalogOf(ops), id, startedSeconds));
  });

  return router;
}

/** Any other path under /v1: OpenAI's 404, so OpenAI clients raise NotFoundError with a message. */
export const openAiNotFound: RequestHandler = (req, res) => {
  const path = req.originalUrl.split('?')[0] ?? '';
  res
    .status(404)
    .json(
      openAiErrorBody(
        `no endpoint ${req.method} ${path.slice(0, 200)}; see GET /openapi.json for what this ladder serves`,
        'not_found_error',
        'unknown_url',
      ),
    );
};

/** Renders any error on the compat paths (body parser errors included) in OpenAI's shape. */
export function openAiErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const mapped = toOpenAiError(error);
    if (mapped.status >= 500 && mapped.status !== 503 && mapped.status !== 504) {
      logger.error(
        { err: error, method: req.method, path: req.path, status: mapped.status },
        'request failed',
      );
    }
    for (const [name, value] of Object.entries(mapped.options.headers ?? {}))
      res.setHeader(name, value);
    res.status(mapped.status).json(mapped.body());
  };
}

/**
 * Mounts the endpoints and, right behind them, their error handler: it must sit at app level to
 * also catch what the JSON body parser in front of every route rejects. `chat` is the app's, when
 * its hot lane serves it too.
 */
export function mountOpenAiCompat(
  app: Express,
  deps: OpenAiCompatDeps,
  chat: HotRouteSpec = chatCompletionsRoute(deps),
): void {
  app.use('/v1', openAiCompatRouter(deps, chat));
  app.use([...OPENAI_COMPAT_PATHS], openAiErrorHandler(deps.logger));
}
