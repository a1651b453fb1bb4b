import safeRegex from 'safe-regex2';
import { MAX_SCHEMA_BYTES } from './response-format.js';

/** Nesting a JSON schema may have: real schemas stay under ten; the bound keeps compiling cheap. */
export const MAX_SCHEMA_DEPTH = 32;

/**
 * Objects and arrays a schema may hold. Ajv's compile time grows faster than linearly with them
 * (measured on a loaded 2-core machine: 100 properties 0.14 s, 600 properties 1.9 s, 1,500
 * properties 5.9 s), and compiling holds the event loop, so 64 KiB alone is no bound.
 */
export const MAX_SCHEMA_NODES = 500;

/** A `pattern` longer than this is refused before safe-regex2 (or Ajv) reads it. */
export const MAX_PATTERN_CHARS = 1_000;

/** Keywords whose values are data, not schemas: a "pattern" inside them is no regular expression. */
const DATA_KEYWORDS: ReadonlySet<string> = new Set(['const', 'enum', 'default', 'examples']);

export interface SchemaProblem {
  /** Path inside the schema, `(root)` for the schema itself: `properties.zip.pattern`. */
  path: string;
  message: string;
}

const join = (path: readonly string[]): string => (path.length === 0 ? '(root)' : path.join('.'));

/**
 * Why `source` would not be a safe regular expression for a worker to run against every answer, or
 * null. Ajv compiles patterns with the `u` flag; safe-regex2 refuses star height above one (the
 * `(a+)+` shapes whose backtracking grows exponentially with the input).
 */
function patternProblem(source: string): string | null {
  if (source.length > MAX_PATTERN_CHARS)
    return `a pattern holds at most ${MAX_PATTERN_CHARS} characters`;
  try {
    new RegExp(source, 'u');
  } catch (error) {
    return `not a valid regular expression: ${(error as Error).message}`;
  }
  if (!safeRegex(source))
    return `pattern ${JSON.stringify(source.slice(0, 80))} could backtrack exponentially (nested quantifiers): refused so that no answer can stall a worker`;
  return null;
}

/**
 * Checks a JSON schema before Ajv sees it: its size, its depth, every `pattern` and every
 * `patternProperties` key (Ajv runs them on answers), and `$async` (Ajv would return a promise). A
 * hostile schema is refused at enqueue rather than discovered by a worker.
 */
export function schemaProblem(schema: Record<string, unknown>): SchemaProblem | null {
  const bytes = Buffer.byteLength(JSON.stringify(schema), 'utf8');
  if (bytes > MAX_SCHEMA_BYTES)
    return {
      path: '(root)',
      message: `a schema is at most ${MAX_SCHEMA_BYTES} bytes of JSON, got ${bytes}`,
    };
  return walk(schema, [], { nodes: 0 });
}

function walk(node: unknown, path: string[], seen: { nodes: number }): SchemaProblem | null {
  if (typeof node !== 'object' || node === null) return null;
  if (++seen.nodes > MAX_SCHEMA_NODES)
    return {
      path: join(path),
      message: `a schema holds at most ${MAX_SCHEMA_NODES} objects and arrays (subschemas, property lists)`,
    };
  if (path.length >= MAX_SCHEMA_DEPTH)
    return { path: join(path), message: `a schema is nested at most ${MAX_SCHEMA_DEPTH} levels` };
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) {
      const found = walk(item, [...path, String(index)], seen);
      if (found) return found;
    }
    return null;
  }
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const at = [...path, key];
    if (key === '$async' && value === true)
      return { path: join(at), message: 'asynchronous schemas ($async) are not supported' };
    if (key === 'pattern' && typeof value === 'string') {
      const problem = patternProblem(value);
      if (problem) return { path: join(at), message: problem };
    }
    if (key === 'patternProperties' && typeof value === 'object' && value !== null) {
      for (const source of Object.keys(value)) {
        const problem = patternProblem(source);
        if (problem) return { path: join([...at, source]), message: problem };
      }
    }
    if (DATA_KEYWORDS.has(key)) continue;
    const found = walk(value, at, seen);
    if (found) return found;
  }
  return null;
}
