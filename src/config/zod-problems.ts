/**
 * Runs a zod schema and turns its issues into config problems: the key path, an "expected" phrase
 * (the schema's own where it gave one, else one derived here), and the value actually found.
 */
import { z } from 'zod';
import { problem, type ConfigProblem } from './errors.js';
import { childPath, describeValue, formatPath, isSecretPath, valueAt } from './path.js';

const TYPE_PHRASES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
};

/** The keys a strict object knows, read from the schema that raised `unrecognized_keys`. */
function knownKeys(inst: unknown): string[] {
  const shape = (inst as { _zod?: { def?: { shape?: unknown } } } | undefined)?._zod?.def?.shape;
  return shape !== null && typeof shape === 'object' ? Object.keys(shape) : [];
}

/** Messages for issues whose schema set none: each is phrased as what was expected. */
function expectedPhrase(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      return TYPE_PHRASES[iss.expected] ?? String(iss.expected);
    case 'unrecognized_keys': {
      const keys = knownKeys(iss.inst);
      return keys.length > 0 ? `one of the keys ${keys.join(', ')}` : 'no such key';
    }
    case 'invalid_value':
      return `one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return iss.origin === 'array' ? `a list of at least ${String(iss.minimum)} items` : undefined;
    case 'too_big':
      return iss.origin === 'array' ? `a list of at most ${String(iss.maximum)} items` : undefined;
    default:
      return undefined;
  }
}

/** Edit distance, for "did you mean" on a misspelt key. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** The closest known key to a misspelt one, when it is close enough to be a likely typo. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Problems for one finalised zod issue; an unknown-keys issue gives one problem per key. */
function toProblems(issue: z.core.$ZodIssue, data: unknown): ConfigProblem[] {
  const path = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const known = issue.message.startsWith('one of the keys ')
      ? issue.message.slice('one of the keys '.length).split(', ')
      : [];
    return issue.keys.map((key) => {
      const guess = closestKey(key, known);
      return problem(childPath(path, key), issue.message, `an unknown key "${key}"`, {
        ...(guess === undefined ? {} : { hint: `did you mean "${guess}"?` }),
      });
    });
  }
  const found = describeValue(valueAt(data, issue.path), isSecretPath(issue.path));
  return [problem(path, issue.message, found)];
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: ConfigProblem[] };

/** Validates `data` against `schema`, collecting every problem rather than stopping at the first. */
export function check<S extends z.ZodType>(schema: S, data: unknown): Checked<z.output<S>> {
  const result = schema.safeParse(data, { error: expectedPhrase });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: result.error.issues.flatMap((issue) => toProblems(issue, data)) };
}
