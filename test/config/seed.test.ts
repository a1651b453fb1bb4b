import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** The seed article's flat YAML, verbatim. */
const SEED = `providers:
  - name: anthropic
    model: claude-sonnet-4-20250514
    priority: 1
  - name: openai
    model: gpt-4o
    priority: 2
  - name: google
    model: gemini-2.0-flash
    priority: 3
fallback:
  on_error: [429, 500, 502, 503, timeout]
  max_retries: 2
  backoff: exponential
`;

describe('the seed flat form', () => {
  it('loads unchanged as primary, cached and static levels', () => {
    const config = parseConfig({ text: SEED, source: 'seed.yaml', env: {} });
    expect(config.source).toBe('seed.yaml');
    expect(config.levels.map((l) => [l.level, l.name, l.kind])).toEqual([
      [1, 'primary', 'llm'],
      [2, 'cached', 'cache'],
      [3, 'static', 'static'],
    ]);
    const [primary, , last] = config.levels;
    expect(primary?.kind === 'llm' && primary.targets.map((t) => t.id)).toEqual([
      'anthropic/claude-sonnet-4-20250514',
      'openai/gpt-4o',
      'google/gemini-2.0-flash',
    ]);
    expect(last).toEqual({
      kind: 'static',
      level: 3,
      name: 'static',
      message: 'Service temporarily limited',
    });
    expect(config.fallback.onError).toEqual([429, 500, 502, 503, 'timeout']);
    expect(config.fallback.maxRetries).toBe(2);
    expect(config.fallback.backoff).toBe('exponential');
    // Every complexity lands on the one LLM level, never on cached or static.
    expect(config.complexity).toEqual({ simple: 1, standard: 1, complex: 1 });
  });

  it('orders targets by priority, not by list order', () => {
    const config = parseConfig({
      data: {
        providers: [
          { name: 'google', model: 'gemini-2.0-flash', priority: 3 },
          { name: 'anthropic', model: 'claude-sonnet-4-20250514', priority: 1 },
          { name: 'openai', model: 'gpt-4o', priority: 2 },
        ],
      },
    });
    const primary = config.levels[0];
    expect(primary?.kind === 'llm' && primary.targets.map((t) => t.provider)).toEqual([
      'anthropic',
      'openai',
      'google',
    ]);
  });

  it('ships examples/seed.yaml with the same content', () => {
    const fromFile = loadConfig({ path: join(ROOT, 'examples', 'seed.yaml'), env: {} });
    const inline = parseConfig({ text: SEED, source: fromFile.source, env: {} });
    expect(fromFile).toEqual(inline);
  });

  it('rejects a providers list next to levels', () => {
    expect(() =>
      parseConfig({ data: { providers: [{ name: 'openai', model: 'gpt-4o' }], levels: [] } }),
    ).toThrow(/providers: expected a map from provider name to settings/);
  });
});

describe('the shipped examples', () => {
  it('ladder.example.yaml loads without any key set, with the five seed levels', () => {
    const config = loadConfig({ path: join(ROOT, 'ladder.example.yaml'), env: {} });
    expect(config.levels.map((l) => l.name)).toEqual([
      'full',
      'reduced',
      'basic',
      'cached',
      'static',
    ]);
    expect(
      config.levels.map((l) => (l.kind === 'llm' ? l.targets.map((t) => t.id) : l.kind)),
    ).toEqual([
      ['anthropic/claude-opus-4-7'],
      ['anthropic/claude-sonnet-4-6', 'openai/gpt-4o'],
      ['anthropic/claude-haiku-4-5', 'openai/gpt-4o-mini', 'google/gemini-2.0-flash'],
      'cache',
      'static',
    ]);
    expect(config.providers.anthropic?.apiKey).toBeUndefined();
    expect(config.complexity).toEqual({ simple: 3, standard: 2, complex: 1 });
  });

  it('ladder.example.yaml takes keys from the environment', () => {
    const config = loadConfig({
      path: join(ROOT, 'ladder.example.yaml'),
      env: { ANTHROPIC_API_KEY: 'sk-ant', GOOGLE_API_KEY: 'g-key' },
    });
    expect(config.providers.anthropic?.apiKey).toBe('sk-ant');
    expect(config.providers.google?.apiKey).toBe('g-key');
    expect(config.providers.openai?.apiKey).toBeUndefined();
  });

  it('examples/simulated.yaml is a five-level ladder on the simulated provider', () => {
    const config = loadConfig({ path: join(ROOT, 'examples', 'simulated.yaml'), env: {} });
    expect(config.levels.map((l) => l.kind)).toEqual(['llm', 'llm', 'llm', 'cache', 'static']);
    for (const level of config.levels) {
      if (level.kind === 'llm')
        expect(level.targets.every((t) => t.provider === 'simulated')).toBe(true);
    }
    expect(Object.keys(config.providers)).toEqual(['simulated']);
  });
});
