import { createHash } from 'node:crypto';
import type { CompletionRequest } from '../ladder/job-schema.js';

/** JSON with object keys sorted, so equal requests hash equally whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The response-cache key of a request: what was asked, not who answered it, so the cached level
 * serves an answer any model gave. Sampling settings (temperature, max_tokens) are left out on
 * purpose: in a degraded mode a close answer beats none.
 */
export function requestHash(request: CompletionRequest): string {
  const asked = {
    system: request.system?.trim(),
    messages: request.messages,
    tools: request.tools,
    tool_choice: request.tool_choice,
    stop: request.stop,
    // A JSON answer is no answer to a prose question, nor prose to a JSON one; absent, the key
    // is what it was before structured output existed.
    response_format: request.response_format,
  };
  return createHash('sha256').update(canonical(asked)).digest('hex');
}
