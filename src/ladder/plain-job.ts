import {
  isJobId,
  LIMITS,
  MAX_DEADLINE_MS,
  MAX_LEVEL,
  MAX_LEVEL_NAME_CHARS,
  MAX_METADATA_KEY_CHARS,
  MAX_METADATA_VALUE_CHARS,
  MAX_PRIORITY,
  MAX_STOP_CHARS,
  MAX_TEMPERATURE,
  MAX_TOOL_NAME_CHARS,
} from './job-limits.js';

/**
 * The jobs nearly every producer sends, checked by hand in one pass: text messages (user,
 * assistant without tool calls, tool results) and the routing fields, with no tools, tool choice
 * or structured output. A worker checks every job it takes again (a raw BullMQ producer can write
 * anything), and zod was the largest share of the ladder's own CPU per job.
 *
 * It accepts only what `jobInputSchema` (job-schema.ts) accepts, and answers what zod would: a
 * copy with the keys in the schema's order. Anything else, valid or not, answers null and goes
 * through the full parse, which words every problem, so error messages never come from here.
 * Such a job is also far inside the shape limits (json-shape.ts: depth 4, a few thousand values)
 * and asks for no schema to compile. test/ladder/plain-job.test.ts holds it to zod's answers.
 */
export function plainJob(input: unknown): object | null {
  if (!isPlainObject(input)) return null;
  for (const key in input) if (!TOP_KEYS.has(key) || input[key] === undefined) return null;
  const request = plainRequest(input.request);
  if (request === null) return null;
  const { id, level, complexity, floor, deadline_ms, cache, stream, priority } = input;
  const out: Record<string, unknown> = {};
  if (id !== undefined) {
    if (!isJobId(id)) return null;
    out.id = id;
  }
  out.request = request;
  if (level !== undefined) {
    if (!isLevelRef(level)) return null;
    out.level = level;
  }
  if (complexity !== undefined) {
    if (complexity !== 'simple' && complexity !== 'standard' && complexity !== 'complex')
      return null;
    out.complexity = complexity;
  }
  if (floor !== undefined) {
    if (!isLevelRef(floor)) return null;
    out.floor = floor;
  }
  if (deadline_ms !== undefined) {
    if (!isInt(deadline_ms, 1, MAX_DEADLINE_MS)) return null;
    out.deadline_ms = deadline_ms;
  }
  if (cache !== undefined) {
    if (typeof cache !== 'boolean') return null;
    out.cache = cache;
  }
  if (stream !== undefined) {
    if (typeof stream !== 'boolean') return null;
    out.stream = stream;
  }
  if (priority !== undefined) {
    if (!isInt(priority, 1, MAX_PRIORITY)) return null;
    out.priority = priority;
  }
  if (input.metadata !== undefined) {
    const metadata = plainMetadata(input.metadata);
    if (metadata === null) return null;
    out.metadata = metadata;
  }
  return out;
}

const TOP_KEYS: ReadonlySet<string> = new Set([
  'id',
  'request',
  'level',
  'complexity',
  'floor',
  'deadline_ms',
  'cache',
  'stream',
  'priority',
  'metadata',
]);
/** No `tools`, `tool_choice` nor `response_format`: those take the full parse. */
const REQUEST_KEYS: ReadonlySet<string> = new Set([
  'system',
  'messages',
  'max_tokens',
  'temperature',
  'stop',
]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isString(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max;
}

function isInt(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function isLevelRef(value: unknown): boolean {
  return isInt(value, 1, MAX_LEVEL) || isString(value, 1, MAX_LEVEL_NAME_CHARS);
}

function plainRequest(value: unknown): Record<string, unknown> | null {
  if (!isPlainObject(value)) return null;
  for (const key in value) if (!REQUEST_KEYS.has(key) || value[key] === undefined) return null;
  const { system, messages, max_tokens, temperature, stop } = value;
  const out: Record<string, unknown> = {};
  if (system !== undefined) {
    if (!isString(system, 0, LIMITS.maxStringChars)) return null;
    out.system = system;
  }
  if (!Array.isArray(messages) || messages.length < 1 || messages.length > LIMITS.maxMessages)
    return null;
  const copied: Record<string, unknown>[] = [];
  for (const message of messages) {
    const m = plainMessage(message);
    if (m === null) return null;
    copied.push(m);
  }
  out.messages = copied;
  if (max_tokens !== undefined) {
    if (!isInt(max_tokens, 1, LIMITS.maxTokens)) return null;
    out.max_tokens = max_tokens;
  }
  if (temperature !== undefined) {
    if (
      typeof temperature !== 'number' ||
      !Number.isFinite(temperature) ||
      temperature < 0 ||
      temperature > MAX_TEMPERATURE
    )
      return null;
    out.temperature = temperature;
  }
  if (stop !== undefined) {
    if (!Array.isArray(stop) || stop.length > LIMITS.maxStops) return null;
    for (const s of stop) if (!isString(s, 1, MAX_STOP_CHARS)) return null;
    out.stop = [...(stop as string[])];
  }
  return out;
}

/** A text message; an assistant's tool calls take the full parse. */
function plainMessage(value: unknown): Record<string, unknown> | null {
  if (!isPlainObject(value)) return null;
  const { role, content } = value;
  let keys = 1;
  if (content !== undefined) {
    if (!isString(content, 0, LIMITS.maxStringChars)) return null;
    keys++;
  }
  let out: Record<string, unknown> | null = null;
  if (role === 'user' && content !== undefined) out = { role, content };
  else if (role === 'assistant') out = content === undefined ? { role } : { role, content };
  else if (role === 'tool' && content !== undefined) {
    const { tool_call_id: callId, name } = value;
    if (!isString(callId, 1, LIMITS.maxIdChars)) return null;
    keys++;
    out = { role, tool_call_id: callId };
    if (name !== undefined) {
      if (!isString(name, 0, MAX_TOOL_NAME_CHARS)) return null;
      out.name = name;
      keys++;
    }
    out.content = content;
  }
  if (out === null) return null;
  // Nothing but the fields read above (an undefined one counts, as zod's strict objects count it).
  let own = 0;
  for (const key in value) {
    if (value[key] === undefined) return null;
    own++;
  }
  return own === keys ? out : null;
}

function plainMetadata(value: unknown): Record<string, unknown> | null {
  if (!isPlainObject(value)) return null;
  const out: Record<string, unknown> = {};
  let keys = 0;
  for (const key in value) {
    if (++keys > LIMITS.maxMetadataKeys) return null;
    if (key.length > MAX_METADATA_KEY_CHARS || key === '__proto__') return null;
    const v = value[key];
    if (
      !(v === null || typeof v === 'boolean') &&
      !(typeof v === 'number' && Number.isFinite(v)) &&
      !isString(v, 0, MAX_METADATA_VALUE_CHARS)
    )
      return null;
    out[key] = v;
  }
  return out;
}
