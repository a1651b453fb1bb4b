import type { Response } from 'express';
import { isJobValidationError } from '../../producer/errors.js';
import type { JobResult } from '../../ladder/result.js';
import {
  catalogFromState,
  enqueueThenResult,
  type EnqueueAnswer,
  type LadderCatalog,
  type LadderOps,
} from '../../producer/ladder-ops.js';
import { invalidRequest } from '../openai-compat/errors.js';
import { servedOrThrow } from '../openai-compat/outcome.js';
import { ladderResponseHeaders, type ServedRecord } from '../openai-compat/to-completion.js';
import type { BuiltJob } from '../openai-compat/to-job.js';

/**
 * What every drop-in endpoint (Chat Completions, Messages, Responses) does the same way once its
 * request is a neutral job. Errors are thrown in OpenAI's shape; each endpoint's error handler
 * renders them in its own API's shape.
 */

export async function catalogOf(ops: LadderOps): Promise<LadderCatalog> {
  return ops.catalog ? ops.catalog() : catalogFromState(await ops.ladder());
}

/** Validation problems of the neutral job, named as the client's request (or header) names them. */
export async function enqueueBuilt(ops: LadderOps, built: BuiltJob): Promise<EnqueueAnswer> {
  return namingProblems(built, () =>
    ops.enqueue(built.job, built.prefer ? { prefer: built.prefer } : {}),
  );
}

/**
 * `enqueueBuilt`, then the wait for its record (up to `waitMs`), the wait watching the job before
 * it is written (`enqueueThenResult`).
 */
export async function enqueueBuiltAndWait(
  ops: LadderOps,
  built: BuiltJob,
  waitMs: number,
  onEnqueued?: (answer: EnqueueAnswer) => void,
): Promise<{ answer: EnqueueAnswer; record: JobResult | null }> {
  return namingProblems(built, () =>
    enqueueThenResult(ops, built.job, {
      timeoutMs: waitMs,
      ...(onEnqueued ? { onEnqueued } : {}),
      ...(built.prefer ? { prefer: built.prefer } : {}),
    }),
  );
}

async function namingProblems<T>(built: BuiltJob, enqueue: () => Promise<T>): Promise<T> {
  try {
    return await enqueue();
  } catch (error) {
    if (!isJobValidationError(error)) throw error;
    const problems = error.problems.map((p) => ({
      param: built.paramFor(p.path),
      message: p.message,
    }));
    const described = problems.map((p) => `${p.param}: ${p.message}`).join('; ');
    throw invalidRequest(`invalid request: ${described}`, problems[0]?.param ?? null);
  }
}

/**
 * Enqueues the job and waits for its answer, the wait watching the job before the enqueue is
 * written (`enqueueBuiltAndWait`: no read of a record the request created), names the job on the
 * response's headers as soon as it is enqueued and the ladder's facts once served; throws the error
 * to answer when the job did not complete in time (or at all).
 */
export async function submitAndServe(input: {
  res: Response;
  ops: LadderOps;
  built: BuiltJob;
  waitMs: number;
  deadlineMs: number;
}): Promise<ServedRecord> {
  const { res } = input;
  const { answer, record } = await enqueueBuiltAndWait(input.ops, input.built, input.waitMs, (e) =>
    res.setHeader('X-Ladder-Job-Id', e.id),
  );
  const served = servedOrThrow(answer.id, record, input.deadlineMs);
  for (const [name, value] of Object.entries(ladderResponseHeaders(served)))
    res.setHeader(name, value);
  return served;
}
