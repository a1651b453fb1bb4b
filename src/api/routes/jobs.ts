import { Router } from 'express';
import type { ApiConfig } from '../../config/types.js';
import { isFinal } from '../../ladder/result.js';
import {
  enqueueThenResult,
  type EnqueueAnswer,
  type LadderOps,
} from '../../producer/ladder-ops.js';
import { HttpError } from '../http-error.js';
import type { HotRouteSpec, TerminalHandler } from '../hot-routes.js';
import { batchJobs, parseJobId, parseWaitMs, requireJson } from '../validation.js';

export interface JobsRouteDeps {
  ops: LadderOps;
  config: Pick<ApiConfig, 'maxBatch' | 'syncTimeoutMs'>;
}

/**
 * `POST /v1/jobs`: enqueue one job, and with `?wait=S` answer its final record if it has one by
 * then. The router below and the app's hot lane (hot-routes.ts) both serve this one definition.
 */
export function postJobRoute({ ops, config }: JobsRouteDeps): HotRouteSpec {
  const handler: TerminalHandler = async (req, res) => {
    // The query is checked first; ops validates the job itself (its one parse) before writing
    // anything, so a refusal never leaves a job behind.
    const waitMs = parseWaitMs(req, config.syncTimeoutMs);
    let answer: EnqueueAnswer;
    if (waitMs !== null && waitMs > 0) {
      const waited = await enqueueThenResult(ops, req.body, { timeoutMs: waitMs });
      const record = waited.record;
      if (record !== null && isFinal(record.status)) {
        res.status(200).json(record);
        return;
      }
      answer = waited.answer;
    } else {
      answer = await ops.enqueue(req.body);
    }
    res
      .status(202)
      .location(`/v1/jobs/${encodeURIComponent(answer.id)}`)
      .json(answer);
  };
  return { method: 'POST', path: '/jobs', chain: [requireJson], handler };
}

/**
 * `/v1/jobs`: enqueue (one or a batch), fetch or long-poll a result, cancel; `post` is the route
 * the app also serves on its hot lane.
 */
export function jobsRouter({ ops, config }: JobsRouteDeps): { router: Router; post: HotRouteSpec } {
  const router = Router();

  const post = postJobRoute({ ops, config });
  router.post(post.path, ...post.chain, post.handler);

  router.post('/jobs/batch', requireJson, async (req, res) => {
    const jobs = batchJobs(req.body, config.maxBatch);
    const answers = await ops.enqueueMany(jobs);
    res.status(202).json({ ids: answers.map((a) => a.id), jobs: answers });
  });

  router.get('/jobs/:id', async (req, res) => {
    const id = parseJobId(req.params.id);
    const waitMs = parseWaitMs(req, config.syncTimeoutMs);
    const record =
      waitMs !== null && waitMs > 0
        ? await ops.result(id, { timeoutMs: waitMs })
        : await ops.get(id);
    if (record === null) throw new HttpError(404, `no job ${id} (unknown, or its result expired)`);
    res.status(200).json(record);
  });

  router.delete('/jobs/:id', async (req, res) => {
    const id = parseJobId(req.params.id);
    const record = await ops.cancel(id);
    if (record === null) throw new HttpError(404, `no job ${id} (unknown, or its result expired)`);
    if (record.status !== 'cancelled') {
      throw new HttpError(
        409,
        `job ${id} is ${record.status}: only a queued job can be cancelled`,
        {
          body: { job: record },
        },
      );
    }
    res.status(200).json(record);
  });

  return { router, post };
}
