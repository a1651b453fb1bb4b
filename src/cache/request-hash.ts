import * as crypto from 'node:crypto';
import type { CompletionRequest } from '../ladder/job-schema.js';

/**
 * JSON with object keys sorted, so equal requests hash equally whatever their key order. Written
 * with loops (no entries, filter, map and join per object): it runs on every answer cached.
 */
function canonical(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      // As Array.prototype.join: a value JSON has no text for adds nothing.
      out += canonical(value[i]) ?? '';
    }
    return `${out}]`;
  }
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    // Default sort: UTF-16 code unit order, as `<` on strings.
    const keys = Object.keys(object).sort();
    let out = '{';
    let first = true;
    for (const key of keys) {
      const v = object[key];
      if (v === undefined) continue;
      if (!first) out += ',';
      first = false;
      out += `${JSON.stringify(key)}:${String(canonical(v))}`;
    }
    return `${out}}`;
  }
  return JSON.stringify(value);
}

/** Node's one-shot hash (20.12 and later) when there is one: no Hash object per call. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string })
  .hash;

function sha256Hex(text: string): string {
  return oneShot
    ? oneShot('sha256', text, 'hex')
    : crypto.createHash('sha256').update(text).digest('hex');
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
  return sha256Hex(canonical(asked) ?? '');
}
