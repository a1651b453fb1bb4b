import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  breakerActionSchema,
  breakerStateNameSchema,
  errorClassSchema,
  finalStatusSchema,
  jobStatusSchema,
} from '../../src/ladder/literals.js';

/**
 * The Lua scripts compare against the literals the zod enums define. Lua cannot import them, so
 * this reads every script and holds each literal it compares a known variable with to its enum: a
 * renamed or misspelt value fails here instead of silently never matching in Redis.
 */

const SRC = new URL('../../src/', import.meta.url).pathname;

function luaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return luaFiles(path);
    return entry.name.endsWith('.lua') ? [path] : [];
  });
}

/** Lua variable (as written in the scripts) → the enum its values come from. */
const VARIABLES: Record<string, z.ZodEnum> = {
  errorClass: errorClassSchema,
  name: breakerStateNameSchema,
  'out.state': breakerStateNameSchema,
  action: breakerActionSchema,
  'existing[1]': jobStatusSchema,
  /** Not a Lua variable: the status an `HSET` writes as a literal. */
  'HSET status': jobStatusSchema,
};

const COMPARISON = /([A-Za-z_][\w.]*(?:\[\d+\])?)\s*[=~]=\s*'([^']*)'/g;
/** `move('open', ...)`: the breaker state a transition goes to. */
const MOVE = /\bmove\('([^']*)'/g;
/** `redis.call('HSET', KEYS[1], 'status', 'active', ...)`: a status written as a literal. */
const STATUS_WRITE = /'HSET',[^\n]*?'status',\s*'([^']*)'/g;
/** `local final = { completed = true, ... }`: the statuses a script treats as final. */
const FINAL_TABLE = /local final = \{([^}]*)\}/;
/** `local final = existing[1] == 'completed' or ...` */
const FINAL_EXPR = /local final = (existing\[1\] == '[^\n]*)/;

interface Found {
  file: string;
  variable: string;
  literal: string;
}

function literalsIn(file: string): Found[] {
  const text = readFileSync(file, 'utf8');
  const found: Found[] = [];
  for (const [, variable = '', literal = ''] of text.matchAll(COMPARISON)) {
    if (variable in VARIABLES) found.push({ file, variable, literal });
  }
  for (const [, literal = ''] of text.matchAll(MOVE))
    found.push({ file, variable: 'name', literal });
  for (const [, literal = ''] of text.matchAll(STATUS_WRITE))
    found.push({ file, variable: 'HSET status', literal });
  return found;
}

function finalSets(file: string): string[][] {
  const text = readFileSync(file, 'utf8');
  const sets: string[][] = [];
  const table = FINAL_TABLE.exec(text)?.[1];
  if (table !== undefined)
    sets.push([...table.matchAll(/(\w+)\s*=\s*true/g)].map((m) => m[1] ?? ''));
  const expr = FINAL_EXPR.exec(text)?.[1];
  if (expr !== undefined) sets.push([...expr.matchAll(/'([^']*)'/g)].map((m) => m[1] ?? ''));
  return sets;
}

describe('Lua literals are members of the zod enums', () => {
  const files = luaFiles(SRC);
  const found = files.flatMap(literalsIn);

  it('finds the scripts and the comparisons to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
    // Every variable is met at least once, so a rewrite that stops matching is noticed.
    expect(new Set(found.map((f) => f.variable))).toEqual(new Set(Object.keys(VARIABLES)));
  });

  it('each compared or written literal is a value of its enum', () => {
    const strays = found
      .filter((f) => !VARIABLES[f.variable]?.options.includes(f.literal))
      .map((f) => `${f.file.slice(SRC.length)}: ${f.variable} vs '${f.literal}'`);
    expect(strays).toEqual([]);
  });

  it('the statuses a script treats as final are exactly the final statuses', () => {
    const sets = files.flatMap(finalSets);
    expect(sets.length).toBeGreaterThanOrEqual(2);
    for (const set of sets) expect([...set].sort()).toEqual([...finalStatusSchema.options].sort());
  });
});
