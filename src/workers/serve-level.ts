import type { LevelConfig, TargetRef } from '../config/types.js';
import { requestHash } from '../cache/request-hash.js';
import type { JobInput } from '../ladder/job-schema.js';
import type { Attempt, ResultSource } from '../ladder/result.js';
import type { Completion, Usage } from '../providers/contract.js';
import type { ProviderError } from '../providers/provider-error.js';
import type { WorkerContext } from './context.js';
import type { QuotaGate } from './quota-gate.js';
import { walkLevel } from './walk-level.js';
import type { JobStreamSession } from '../streaming/session.js';
import { cachedAnswer, staticRefusal } from './structured-levels.js';

export type ServeOutcome =
  | {
      kind: 'served';
      source: ResultSource;
      completion: Completion;
      target?: TargetRef;
      /** A cache hit: the usage of the answer served, for the cost report (see ServedDetail). */
      cachedUsage?: Usage | null;
    }
  | { kind: 'caller'; error: ProviderError }
  | { kind: 'move_on' }
  | { kind: 'deadline' }
  | { kind: 'superseded'; status: string }
  | { kind: 'interrupted' };

/** Serves a job at one level, whatever its kind: LLM targets, the response cache, or a message. */
export async function serveLevel(
  ctx: WorkerContext,
  input: {
    level: LevelConfig;
    job: JobInput;
    jobId: string;
    deadlineAt: number | null;
    prefer?: string;
    attempts: Attempt[];
    gate?: QuotaGate;
    stream?: JobStreamSession;
  },
): Promise<ServeOutcome> {
  const { level, job, attempts } = input;
  const at = (): string => new Date(ctx.clock.now()).toISOString();
  switch (level.kind) {
    case 'llm': {
      if (input.deadlineAt !== null && ctx.clock.now() >= input.deadlineAt) {
        attempts.push({
          level: level.level,
          level_name: level.name,
          outcome: 'skipped',
          reason: 'deadline',
          at: at(),
        });
        return { kind: 'deadline' };
      }
      const outcome = await walkLevel(ctx, {
        level,
        request: job.request,
        deadlineAt: input.deadlineAt,
        prefer: input.prefer,
        jobId: input.jobId,
        attempts,
        gate: input.gate,
        stream: input.stream,
      });
      if (outcome.kind === 'served') {
        return {
          kind: 'served',
          source: 'llm',
          completion: outcome.completion,
          target: outcome.target,
        };
      }
      if (outcome.kind === 'exhausted') return { kind: 'move_on' };
      return outcome;
    }
    case 'cache': {
      const hit = job.cache === false ? null : await ctx.cache.get(requestHash(job.request));
      if (!hit) {
        attempts.push({
          level: level.level,
          level_name: level.name,
          outcome: 'skipped',
          reason: 'cache_miss',
          at: at(),
        });
        return { kind: 'move_on' };
      }
      // A cached answer counts only when it passes the same check as a fresh one.
      const checked = cachedAnswer(job.request, hit.output, { level, at: at() });
      attempts.push(checked.attempt);
      if (!checked.ok) return { kind: 'move_on' };
      return {
        kind: 'served',
        source: 'cache',
        completion: checked.completion,
        cachedUsage: hit.usage,
      };
    }
    case 'static': {
      // Prose is never JSON: a job that asked for JSON fails here rather than get the message.
      const refusal = staticRefusal(job.request, { level, at: at() });
      if (refusal) {
        attempts.push(refusal);
        return { kind: 'move_on' };
      }
      attempts.push({
        level: level.level,
        level_name: level.name,
        outcome: 'ok',
        latency_ms: 0,
        at: at(),
      });
      return {
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
      };
    }
  }
}
