import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { missingApiKeys } from '../../src/providers/registry.js';

const README = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');

/** The README's first YAML block: the config a newcomer copies first must load as written. */
function firstYamlBlock(): string {
  const match = /```yaml\n([\s\S]*?)```/.exec(README);
  if (!match?.[1]) throw new Error('README has no yaml block');
  return match[1];
}

describe("the README's first config", () => {
  it('loads as written, taking API keys from the environment and naming those missing', () => {
    const text = firstYamlBlock();
    const config = parseConfig({
      text,
      source: 'README.md',
      env: { ANTHROPIC_API_KEY: 'sk-ant-readme', OPENAI_API_KEY: 'sk-readme' },
    });
    expect(config.levels.map((l) => `${l.level} ${l.name} ${l.kind}`)).toEqual([
      '1 full llm',
      '2 basic llm',
      '3 cached cache',
      '4 static static',
    ]);
    expect(missingApiKeys(config)).toEqual([]);
    const withoutKeys = parseConfig({ text, source: 'README.md', env: {} });
    expect(missingApiKeys(withoutKeys).map((m) => m.env[0])).toEqual([
      'ANTHROPIC_API_KEY',
      'OPENAI_API_KEY',
    ]);
  });
});
