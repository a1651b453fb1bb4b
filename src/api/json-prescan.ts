import { MAX_ARRAY_ITEMS, MAX_JSON_DEPTH, MAX_JSON_NODES } from '../ladder/json-shape.js';

/** Nesting a body may have: a job's limit plus the wrappers around jobs (`{"jobs": [ ... ]}`). */
export const MAX_BODY_DEPTH = MAX_JSON_DEPTH + 2;

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/**
 * Reads the raw bytes once before JSON.parse, which is itself slow on what an attacker sends:
 * half a megabyte of `[` costs it most of a second, an object of 60,000 keys a quarter, an array
 * of 500,000 numbers a tenth. Tracks only the nesting depth and the entries of each open container
 * (a stack of counters, never deeper than the limit); answers what is wrong and at which byte, or null. Malformed JSON is left to
 * JSON.parse.
 */
export function prescanJson(body: Buffer): string | null {
  const entries: number[] = [];
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
      continue;
    }
    if (byte === QUOTE) inString = true;
    else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (entries.length >= MAX_BODY_DEPTH)
        return `the body is nested deeper than ${MAX_BODY_DEPTH} levels (at byte ${i})`;
      // Objects count up from 1, arrays down from -1: one stack of counters for both.
      entries.push(byte === OPEN_OBJECT ? 1 : -1);
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) entries.pop();
    else if (byte === COMMA && entries.length > 0) {
      const top = entries.length - 1;
      const count = entries[top]! + (entries[top]! > 0 ? 1 : -1);
      entries[top] = count;
      if (count > MAX_ARRAY_ITEMS)
        return `an object in the body holds more than ${MAX_ARRAY_ITEMS} keys (at byte ${i})`;
      // A batch's `jobs` (depth 2) may be longer than a job's own arrays; api.max_batch bounds it.
      const most = entries.length > 2 ? MAX_ARRAY_ITEMS : MAX_JSON_NODES;
      if (-count > most) return `an array in the body holds more than ${most} items (at byte ${i})`;
    }
  }
  return null;
}
