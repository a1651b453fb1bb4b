/**
 * Key paths as written in problems: `levels.1.targets.0`. A key that would read ambiguously in that
 * form (a price key like `openai/gpt-4.1` holds a dot) is quoted.
 */

/** Formats a path of keys and list indices as `a.b.0.c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key) => {
      const s = typeof key === 'symbol' ? key.toString() : String(key);
      return /^[^.\s"]+$/.test(s) ? s : JSON.stringify(s);
    })
    .join('.');
}

/** Joins a parent path string and one more key. */
export function childPath(parent: string, key: PropertyKey): string {
  const child = formatPath([key]);
  return parent === '' ? child : `${parent}.${child}`;
}

/** The value at `path` inside `data`, or undefined when the path leads nowhere. */
export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let here: unknown = data;
  for (const key of path) {
    if (here === null || typeof here !== 'object') return undefined;
    here = (here as Record<PropertyKey, unknown>)[key];
  }
  return here;
}

/** Key names whose values are secrets: a problem about them says the type, never the value. */
const SECRET_KEYS = new Set(['api_key', 'tokens', 'password', 'sentinel_password']);

/** Whether a path points at (or inside) a secret. */
export function isSecretPath(path: readonly PropertyKey[]): boolean {
  return path.some((key) => typeof key === 'string' && SECRET_KEYS.has(key));
}

/** Describes a value for the `found` half of a problem, short enough for one line. */
export function describeValue(value: unknown, secret = false): string {
  if (value === undefined) return 'nothing (the key is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object') return 'a mapping';
  if (secret) return `a ${typeof value} (value hidden)`;
  if (typeof value === 'string') {
    if (value === '') return 'an empty string';
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return `a ${typeof value}`;
}
