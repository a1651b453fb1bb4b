import type { LevelConfig } from '../config/types.js';
import type { CompletionRequest } from '../ladder/job-schema.js';
import type { CompletionOutput } from '../ladder/output.js';
import type { Attempt } from '../ladder/result.js';
import { wantsJson } from '../output/response-format.js';
import type { Completion } from '../providers/contract.js';
import { checkAnswer } from './check-answer.js';

interface Where {
  level: LevelConfig;
  /** The attempt's timestamp. */
  at: string;
}

/**
 * A cache hit checked like a fresh answer (schema, tool arguments): the `ok` attempt and the
 * completion with `output.parsed`, or an `invalid_output` attempt and no answer.
 */
export function cachedAnswer(
  request: CompletionRequest,
  output: CompletionOutput,
  where: Where,
): { ok: true; attempt: Attempt; completion: Completion } | { ok: false; attempt: Attempt } {
  const base = { level: where.level.level, level_name: where.level.name, at: where.at };
  const checked = checkAnswer(request, { output, usage: null });
  if (!checked.ok)
    return {
      ok: false,
      attempt: {
        ...base,
        outcome: 'error',
        class: 'invalid_output',
        status: null,
        error: `cached answer: ${checked.message}`.slice(0, 500),
      },
    };
  return {
    ok: true,
    attempt: { ...base, outcome: 'ok', latency_ms: 0 },
    completion: checked.completion,
  };
}

/** The `invalid_output` attempt of a static level for a job that asked for JSON, else null. */
export function staticRefusal(request: CompletionRequest, where: Where): Attempt | null {
  const format = request.response_format;
  if (!wantsJson(format)) return null;
  return {
    level: where.level.level,
    level_name: where.level.name,
    outcome: 'error',
    class: 'invalid_output',
    status: null,
    error: `the static level answers with a fixed message, not the ${format?.type ?? 'JSON'} output the job asked for`,
    at: where.at,
  };
}
