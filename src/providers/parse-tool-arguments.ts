import { malformedFailure, type FailureContext } from './failure.js';
import type { ProviderError } from './provider-error.js';

export type ParsedArguments =
  { ok: true; value: Record<string, unknown> } | { ok: false; error: ProviderError };

/**
 * Tool-call arguments arrive as a JSON string from OpenAI; the normalised shape wants an object.
 * Invalid JSON is a malformed (transient) answer: another try or another model may do better.
 */
export function parseToolArguments(
  ctx: FailureContext,
  toolName: string,
  raw: string | null | undefined,
): ParsedArguments {
  if (raw === null || raw === undefined || raw.trim() === '') return { ok: true, value: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return {
      ok: false,
      error: malformedFailure(ctx, `tool call ${toolName} has arguments that are not JSON`, error),
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      ok: false,
      error: malformedFailure(
        ctx,
        `tool call ${toolName} has arguments that are not a JSON object`,
      ),
    };
  }
  return { ok: true, value: parsed as Record<string, unknown> };
}
