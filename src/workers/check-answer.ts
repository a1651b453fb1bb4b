import type { LevelConfig, TargetRef } from '../config/types.js';
import type { Permit } from '../breaker/types.js';
import type { CompletionRequest } from '../ladder/job-schema.js';
import type { Attempt } from '../ladder/result.js';
import { checkOutput } from '../output/check-output.js';
import type { Completion } from '../providers/contract.js';
import type { WorkerContext } from './context.js';

export type CheckedAnswer = { ok: true; completion: Completion } | { ok: false; message: string };

/** The answer with `output.parsed` when JSON was asked for, or why it is not what was asked. */
export function checkAnswer(request: CompletionRequest, completion: Completion): CheckedAnswer {
  const checked = checkOutput(request, completion.output);
  if (!checked.ok) return checked;
  if (checked.parsed === undefined) return { ok: true, completion };
  const text = checked.json ?? completion.output.text;
  return {
    ok: true,
    completion: { ...completion, output: { ...completion.output, text, parsed: checked.parsed } },
  };
}

/**
 * An answer that came back but failed its check: an `invalid_output` attempt in the trail, and a
 * breaker failure only once the target's streak of invalid answers reaches
 * `breaker.invalid_output_threshold`; until then the call counts as the success it was for the
 * provider's health. Answers the attempt; the caller moves on to the next target.
 */
export async function recordInvalidOutput(
  ctx: WorkerContext,
  input: {
    permit: Permit;
    target: TargetRef;
    level: LevelConfig;
    jobId: string;
    message: string;
    latencyMs: number;
  },
): Promise<Attempt> {
  const { target, level, message } = input;
  const counts = ctx.invalidOutput.invalid(target.id);
  if (counts)
    await ctx.breakers.recordFailure(input.permit, {
      errorClass: 'invalid_output',
      status: null,
      message,
      retryAfterMs: null,
    });
  else ctx.breakers.recordSuccess(input.permit);
  ctx.logger.warn(
    {
      job_id: input.jobId,
      ladder_level: level.name,
      provider_target: target.id,
      class: 'invalid_output',
      counts_for_breaker: counts,
    },
    'answer failed its output check',
  );
  return {
    level: level.level,
    level_name: level.name,
    provider: target.provider,
    model: target.model,
    outcome: 'error',
    class: 'invalid_output',
    status: null,
    error: message.slice(0, 500),
    latency_ms: input.latencyMs,
    at: new Date(ctx.clock.now()).toISOString(),
  };
}
