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

/**
 * `canonical(message)` for a message of exactly a string `role` and a string `content`, the usual
 * kind, without sorting its keys (`content` sorts first); undefined for any other, which goes the
 * general way. The answer is the same either way (test/cache/request-hash.test.ts).
 */
function plainMessage(message: unknown): string | undefined {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return undefined;
  const m = message as { role?: unknown; content?: unknown };
  if (typeof m.role !== 'string' || typeof m.content !== 'string') return undefined;
  const keys = Object.keys(m);
  if (keys.length !== 2 || !Object.hasOwn(m, 'role') || !Object.hasOwn(m, 'content'))
    return undefined;
  return `{"content":${JSON.stringify(m.content)},"role":${JSON.stringify(m.role)}}`;
}

/** `canonical` of a request's messages, the plain ones the quick way. */
function canonicalMessages(messages: unknown): string | undefined {
  if (!Array.isArray(messages)) return canonical(messages);
  let out = '[';
  for (let i = 0; i < messages.length; i++) {
    if (i > 0) out += ',';
    out += plainMessage(messages[i]) ?? canonical(messages[i]) ?? '';
  }
  return `${out}]`;
}

/** `out` (an object's text so far) with `"key":text` added; undefined text adds nothing. */
function field(out: string, key: string, text: string | undefined): string {
  if (text === undefined) return out;
  return out === '{' ? `{"${key}":${text}` : `${out},"${key}":${text}`;
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
  // canonical({ system, messages, tools, tool_choice, stop, response_format }) written out: the
  // keys in their sorted order, an undefined one left out. A JSON answer is no answer to a prose
  // question, nor prose to a JSON one (response_format); absent, the key is what it was before
  // structured output existed.
  let out = '{';
  if (request.messages !== undefined)
    out = field(out, 'messages', canonicalMessages(request.messages));
  if (request.response_format !== undefined)
    out = field(out, 'response_format', canonical(request.response_format));
  if (request.stop !== undefined) out = field(out, 'stop', canonical(request.stop));
  const system = request.system?.trim();
  if (system !== undefined) out = field(out, 'system', JSON.stringify(system));
  if (request.tool_choice !== undefined)
    out = field(out, 'tool_choice', canonical(request.tool_choice));
  if (request.tools !== undefined) out = field(out, 'tools', canonical(request.tools));
  return sha256Hex(`${out}}`);
}
