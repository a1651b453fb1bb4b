import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * On Redis Cluster a script may only touch the keys it declares (KEYS), all in one slot. This
 * reads every script and checks that each command's key argument is a declared key: `KEYS[i]`
 * within the count its file name gives (`apply-3.lua`), or a local named from them. A script whose
 * name gives no count (`enqueue-jobs.lua`) takes a count the call names: any `KEYS[...]` is declared.
 */

const SRC = new URL('../../src/', import.meta.url).pathname;
/** Commands whose first argument is not a key. */
const KEYLESS = new Set(['PUBLISH', 'TIME', 'PING']);

function luaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return luaFiles(path);
    return entry.name.endsWith('.lua') ? [path] : [];
  });
}

function keyProblems(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/--\[\[[\s\S]*?\]\]/g, '');
  const declared = Number(/-(\d+)\.lua$/.exec(file)?.[1]);
  const problems: string[] = [];
  for (const [, index] of text.matchAll(/KEYS\[(\d+)\]/g))
    if (Number(index) > declared) problems.push(`KEYS[${index}] beyond the ${declared} declared`);
  // `local a, b = KEYS[1], KEYS[2]` (possibly over two lines) names keys.
  const names = new Set<string>();
  for (const [, left = '', right = ''] of text.matchAll(
    /local\s+([\w\s,]+?)\s*=\s*((?:\s*KEYS\[\d+\]\s*,?)+)/g,
  )) {
    if (/^(\s*KEYS\[\d+\]\s*,?)+$/.test(right))
      for (const name of left.split(',')) names.add(name.trim());
  }
  // `for _, k in ipairs({ aKey, bKey })` over named keys only.
  for (const [, name = '', list = ''] of text.matchAll(
    /for\s+_,\s*(\w+)\s+in\s+ipairs\(\{([^}]*)\}\)/g,
  )) {
    if (list.split(',').every((n) => names.has(n.trim()))) names.add(name);
  }
  for (const [, command = '', arg = ''] of text.matchAll(
    /redis\.p?call\(\s*'([A-Za-z]+)'\s*,\s*([^,)]+)/g,
  )) {
    if (KEYLESS.has(command.toUpperCase())) continue;
    const key = arg.trim();
    if (/^KEYS\[\d+\]$/.test(key) || names.has(key)) continue;
    if (Number.isNaN(declared) && /^KEYS\[[^\]]+\]$/.test(key)) continue;
    problems.push(`${command} ${key}: not a declared key`);
  }
  return problems;
}

describe('Lua scripts declare every key they touch', () => {
  const files = luaFiles(SRC);

  it('finds the scripts', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files.map((f) => [f.slice(SRC.length), f]))('%s', (_name, file) => {
    expect(keyProblems(file)).toEqual([]);
  });
});
