/**
 * Building blocks for the config schema. Each carries its own "expected" phrase as the zod message,
 * so a problem reads `expected an integer ≥ 1` whether the value had the wrong type or the wrong range.
 */
import { z } from 'zod';

const NUMERIC = /^\s*-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

/**
 * `port: ${PORT}` parses as the string "${PORT}" and interpolates to "8080": a numeric string is
 * read as its number, so interpolated numbers work without quoting tricks.
 */
function numericString(value: unknown): unknown {
  return typeof value === 'string' && NUMERIC.test(value) ? Number(value) : value;
}

/** A number that passes `ok`; `expected` is the phrase used in every problem about it. */
export function num(expected: string, ok: (n: number) => boolean = () => true) {
  return z.preprocess(numericString, z.number({ error: expected }).refine(ok, { error: expected }));
}

/** The unit in parentheses after a phrase, e.g. ` (ms)`. */
const unitSuffix = (unit: string): string => (unit === '' ? '' : ` (${unit})`);

/** An integer ≥ `min` (and ≤ `max` when given); `unit` names the unit in the phrase, e.g. `ms`. */
export function int(min: number, unit = '', max?: number) {
  const range = max === undefined ? `≥ ${min}` : `from ${min} to ${max}`;
  const expected = `an integer ${range}${unitSuffix(unit)}`;
  return num(expected, (n) => Number.isInteger(n) && n >= min && (max === undefined || n <= max));
}

/** A number > 0, e.g. a duration in seconds where fractions make sense (`window: 0.5`). */
export function positive(unit = '') {
  return num(`a number > 0${unitSuffix(unit)}`, (n) => n > 0);
}

/** A string; `expected` names what kind, e.g. `a level name`. */
export function str(expected = 'a string') {
  return z.string({ error: expected });
}

/** Level names: used in queue names, Redis keys and URLs, so kept to a safe alphabet. */
export const LEVEL_NAME = /^[a-z0-9_-]{1,64}$/;

/**
 * `ladder` is the default Redis prefix and the CLI's own name; an all-digit name would be
 * ambiguous wherever a level is given "as a number or a name" (`level: 2`, `--level 2`).
 */
export const RESERVED_LEVEL_NAMES = new Set(['ladder']);

/** The phrase for a valid level name. */
export const LEVEL_NAME_EXPECTED =
  'a level name of 1 to 64 characters a-z, 0-9, _ or -, not all digits, and not "ladder"';

/** Whether `name` may name a level. */
export function isValidLevelName(name: string): boolean {
  return LEVEL_NAME.test(name) && !/^\d+$/.test(name) && !RESERVED_LEVEL_NAMES.has(name);
}
