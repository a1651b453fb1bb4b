import { Router, type Express } from 'express';
import type { ApiConfig } from '../../config/types.js';
import type { LadderOps } from '../../producer/ladder-ops.js';
import { estimateInputTokens } from '../../quota/estimate.js';
import type { Logger } from '../../util/log.js';
import { relayJob } from '../compat/relay-job.js';
import { catalogOf, enqueueBuilt, submitAndServe } from '../compat/submit.js';
import { OpenAiError } from '../openai-compat/errors.js';
import { parseLadderHeaders } from '../openai-compat/ladder-headers.js';
import { entryFor, LADDER_MODEL } from '../openai-compat/model-map.js';
import { DEADLINE_GRACE_MS, openAiErrorHandler } from '../openai-compat/router.js';
import { parseInputTokensRequest, parseResponsesRequest } from './request-schema.js';
import { resolveReferences } from './resolve-references.js';
import { responsesEvents } from './stream-events.js';
import { toCompletion, toJob } from './to-job.js';
import { echoOf, toResponse } from './to-response.js';

export interface ResponsesCompatDeps {
  ops: LadderOps;
  config: Pick<ApiConfig, 'syncTimeoutMs'>;
  logger: Logger;
}

/** Where the Responses endpoint lives; its errors take OpenAI's shape. */
export const RESPONSES_PATH = '/v1/responses';

/** `POST /v1/responses`, served by the ladder. */
export function responsesCompatRouter({ ops, config }: ResponsesCompatDeps): Router {
  const router = Router();

  router.post('/responses', async (req, res) => {
    // Everything is checked before anything is enqueued, so a 400 never leaves a job behind.
    const parsed = parseResponsesRequest(req.body);
    const headers = parseLadderHeaders(req.headers, config.syncTimeoutMs);
    const request = await resolveReferences(parsed, ops);
    const entry = entryFor(await catalogOf(ops), request.model);
    const built = toJob({ request, entry, headers });
    const waitMs = headers.deadlineMs + DEADLINE_GRACE_MS;
    const echo = echoOf(request);
    if (request.stream !== true) {
      const record = await submitAndServe({
        res,
        ops,
        built,
        waitMs,
        deadlineMs: headers.deadlineMs,
      });
      res.status(200).json(toResponse(record, echo));
      return;
    }
    const { id, created } = await enqueueBuilt(ops, built);
    res.setHeader('X-Ladder-Job-Id', id);
    await relayJob({
      res,
      ops,
      jobId: id,
      created,
      waitMs,
      deadlineMs: headers.deadlineMs,
      writer: responsesEvents(id, request.model, echo),
    });
  });

  /** An estimate, about four characters a token, as on /v1/messages/count_tokens: nothing is enqueued. */
  router.post('/responses/input_tokens', async (req, res) => {
    const parsed = parseInputTokensRequest(req.body);
    if (parsed.model != null) entryFor(await catalogOf(ops), parsed.model);
    const request = await resolveReferences(
      { ...parsed, model: parsed.model ?? LADDER_MODEL, input: parsed.input ?? [] },
      ops,
    );
    res.status(200).json({
      object: 'response.input_tokens',
      input_tokens: estimateInputTokens(toCompletion(request).completion),
    });
  });

  router.all('/responses', (_req, res) => {
    res.setHeader('Allow', 'POST');
    throw new OpenAiError(405, `use POST ${RESPONSES_PATH}`, { type: 'invalid_request_error' });
  });

  // Retrieve, delete, cancel, input_items: all need a stored response, which the ladder never keeps.
  router.all('/responses/*rest', (req) => {
    throw new OpenAiError(
      404,
      `no endpoint ${req.method} ${(req.originalUrl.split('?')[0] ?? '').slice(0, 200)}: the ladder stores no responses (store is accepted and ignored); the job behind a response resp_<id> stays readable at GET /v1/jobs/<id>`,
      { type: 'not_found_error', code: 'unknown_url' },
    );
  });

  return router;
}

/** Mounts the endpoint and, right behind it, its error handler (see mountOpenAiCompat). */
export function mountResponsesCompat(app: Express, deps: ResponsesCompatDeps): void {
  app.use('/v1', responsesCompatRouter(deps));
  app.use(RESPONSES_PATH, openAiErrorHandler(deps.logger));
}
