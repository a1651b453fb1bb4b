import { Router, type Express } from 'express';
import type { ApiConfig } from '../../config/types.js';
import type { LadderOps } from '../../producer/ladder-ops.js';
import { estimateInputTokens } from '../../quota/estimate.js';
import type { Logger } from '../../util/log.js';
import { catalogOf, enqueueBuilt, submitAndServe } from '../compat/submit.js';
import { relayJob } from '../compat/relay-job.js';
import { OpenAiError } from '../openai-compat/errors.js';
import { parseLadderHeaders } from '../openai-compat/ladder-headers.js';
import { DEADLINE_GRACE_MS } from '../openai-compat/router.js';
import { anthropicErrorHandler } from './errors.js';
import { anthropicEntry } from './model.js';
import { ANTHROPIC_COMPAT_PATHS } from './paths.js';
import { parseCountTokensRequest, parseMessagesRequest } from './request-schema.js';
import { anthropicEvents } from './stream-events.js';
import { toCompletion, toJob } from './to-job.js';
import { toAnthropicMessage } from './to-message.js';

export interface AnthropicCompatDeps {
  ops: LadderOps;
  config: Pick<ApiConfig, 'syncTimeoutMs'>;
  logger: Logger;
}

/** `POST /v1/messages` and `POST /v1/messages/count_tokens`, served by the ladder. */
export function anthropicCompatRouter({ ops, config }: AnthropicCompatDeps): Router {
  const router = Router();

  router.post('/messages', async (req, res) => {
    // Everything is checked before anything is enqueued, so a 400 never leaves a job behind.
    const request = parseMessagesRequest(req.body);
    const headers = parseLadderHeaders(req.headers, config.syncTimeoutMs);
    const entry = anthropicEntry(await catalogOf(ops), request.model);
    const built = toJob({ request, entry, headers });
    const waitMs = headers.deadlineMs + DEADLINE_GRACE_MS;
    if (request.stream !== true) {
      const record = await submitAndServe({
        res,
        ops,
        built,
        waitMs,
        deadlineMs: headers.deadlineMs,
      });
      res.status(200).json(toAnthropicMessage(record));
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
      writer: anthropicEvents(id, request.model),
    });
  });

  /**
   * An estimate (about four characters a token, the figure the ladder's quota uses): the ladder
   * does not know which model will answer, and each counts differently.
   */
  router.post('/messages/count_tokens', async (req, res) => {
    const request = parseCountTokensRequest(req.body);
    anthropicEntry(await catalogOf(ops), request.model);
    res.status(200).json({ input_tokens: estimateInputTokens(toCompletion(request).completion) });
  });

  router.all(['/messages', '/messages/count_tokens'], (req, res) => {
    res.setHeader('Allow', 'POST');
    throw new OpenAiError(405, `use POST ${req.originalUrl.split('?')[0] ?? ''}`, {
      type: 'invalid_request_error',
    });
  });

  return router;
}

/** Mounts the endpoints and, right behind them, their error handler (see mountOpenAiCompat). */
export function mountAnthropicCompat(app: Express, deps: AnthropicCompatDeps): void {
  app.use('/v1', anthropicCompatRouter(deps));
  app.use([...ANTHROPIC_COMPAT_PATHS], anthropicErrorHandler(deps.logger));
}
