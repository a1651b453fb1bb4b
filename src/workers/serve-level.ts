import type { LevelConfig, LlmLevel } from '../config/types.js';
import { requestHash } from '../cache/request-hash.js';
import type { JobInput } from '../ladder/job-schema.js';
import type { Attempt } from '../ladder/result.js';
import type { WorkerContext } from './context.js';
import type { QuotaGate } from './quota-gate.js';
import { walkLevel } from './walk-level.js';
import type { LockWatch } from './lock-watch.js';
import type { JobStreamSession } from '../streaming/session.js';
import { cachedAnswer, staticRefusal } from './structured-levels.js';
import { withAttempts, type LevelEnd, type LevelOutcome } from './outcome.js';
import { isoTime } from '../util/iso-time.js';

function stamp(ctx: WorkerContext): string {
  return isoTime(ctx.clock.now());
}

/** `end` with `attempts`, which a streamed job's readers are told of first. */
function endWith(
  stream: JobStreamSession | undefined,
  end: LevelEnd,
  attempts: Attempt[],
): LevelOutcome {
  for (const attempt of attempts) stream?.attempt(attempt);
  return withAttempts(end, attempts);
}

export interface ServeInput {
  level: LevelConfig;
  job: JobInput;
  jobId: string;
  deadlineAt: number | null;
  prefer?: string;
  gate?: QuotaGate;
  stream?: JobStreamSession;
  lock?: LockWatch;
}

/**
 * An LLM level: its targets' walk, unless the job's deadline has passed. Apart from the other
 * kinds, so that the path every no-op job takes makes no closures (see walkTarget).
 */
function serveLlm(
  ctx: WorkerContext,
  input: ServeInput,
  level: LlmLevel,
): Promise<LevelOutcome> | LevelOutcome {
  if (input.deadlineAt !== null && ctx.clock.now() >= input.deadlineAt) {
    return endWith(input.stream, { kind: 'unserved', why: 'deadline' }, [
      {
        level: level.level,
        level_name: level.name,
        outcome: 'skipped',
        reason: 'deadline',
        at: stamp(ctx),
      },
    ]);
  }
  return walkLevel(ctx, {
    level,
    request: input.job.request,
    deadlineAt: input.deadlineAt,
    prefer: input.prefer,
    jobId: input.jobId,
    gate: input.gate,
    stream: input.stream,
    lock: input.lock,
  });
}

/**
 * Serves a job at one level, whatever its kind: LLM targets, the response cache, or a message.
 * Answers how the level ended with the attempts made here; a streamed job's readers have been
 * told of each (the walk tells them call by call, this function the rest).
 */
export async function serveLevel(ctx: WorkerContext, input: ServeInput): Promise<LevelOutcome> {
  const { level, job } = input;
  if (level.kind === 'llm') return serveLlm(ctx, input, level);
  const at = (): string => stamp(ctx);
  const ended = (end: LevelEnd, ...attempts: Attempt[]): LevelOutcome =>
    endWith(input.stream, end, attempts);
  switch (level.kind) {
    case 'cache': {
      const hit = job.cache === false ? null : await ctx.cache.get(requestHash(job.request));
      if (!hit) {
        return ended(
          { kind: 'unserved', why: 'exhausted' },
          {
            level: level.level,
            level_name: level.name,
            outcome: 'skipped',
            reason: 'cache_miss',
            at: at(),
          },
        );
      }
      // A cached answer counts only when it passes the same check as a fresh one.
      const checked = cachedAnswer(job.request, hit.output, { level, at: at() });
      if (!checked.ok) return ended({ kind: 'unserved', why: 'exhausted' }, checked.attempt);
      return ended(
        { kind: 'served', source: 'cache', completion: checked.completion, cachedUsage: hit.usage },
        checked.attempt,
      );
    }
    case 'static': {
      // Prose is never JSON: a job that asked for JSON fails here rather than get the message.
      const refusal = staticRefusal(job.request, { level, at: at() });
      if (refusal) return ended({ kind: 'unserved', why: 'exhausted' }, refusal);
      return ended(
        {
          kind: 'served',
          source: 'static',
          completion: {
            output: {
              text: level.message,
              tool_calls: [],
              stop_reason: 'end_turn',
              raw_stop_reason: null,
            },
            usage: null,
          },
        },
        { level: level.level, level_name: level.name, outcome: 'ok', latency_ms: 0, at: at() },
      );
    }
  }
}
