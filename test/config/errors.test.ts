import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { configError, ladder } from './helpers.js';

/** The message lines of a config built from `data` under the file name `ladder.yaml`. */
function lines(data: unknown): string[] {
  return configError(() => parseConfig({ data, source: 'ladder.yaml' })).message.split('\n');
}

describe('bad config messages: file, key path, expected, found', () => {
  it('a value out of range', () => {
    expect(lines(ladder({ breaker: { failure_rate: 1.5 } }))).toEqual([
      'ladder.yaml: breaker.failure_rate: expected a number in (0, 1], found 1.5',
    ]);
  });

  it('a value of the wrong type', () => {
    expect(lines(ladder({ worker: { concurrency: 'lots' } }))).toEqual([
      'ladder.yaml: worker.concurrency: expected an integer ≥ 1, found "lots"',
    ]);
    expect(lines(ladder({ fallback: { on_error: 'all' } }))[0]).toMatch(
      /^ladder\.yaml: fallback\.on_error: expected a list of .*, found "all"$/,
    );
  });

  it('a misspelt key, with a suggestion', () => {
    const [line] = lines(ladder({ breaker: { faliure_threshold: 3 } }));
    expect(line).toMatch(
      /^ladder\.yaml: breaker\.faliure_threshold: expected one of the keys failure_threshold, /,
    );
    expect(line).toMatch(
      /found an unknown key "faliure_threshold"; did you mean "failure_threshold"\?$/,
    );
  });

  it('an unknown top-level block and an unknown provider', () => {
    const got = lines(ladder({ retries: 3, providers: { mistral: {} } }));
    expect(got).toHaveLength(2);
    expect(
      got.some((l) => l.startsWith('ladder.yaml: retries: expected one of the keys redis, ')),
    ).toBe(true);
    expect(
      got.some((l) =>
        /^ladder\.yaml: providers\.mistral: expected one of the keys anthropic, openai, google, simulated, found an unknown key "mistral"$/.test(
          l,
        ),
      ),
    ).toBe(true);
  });

  it('a target with an unknown provider or without a model', () => {
    const got = lines({
      levels: [{ name: 'full', targets: ['antropic/claude-opus-4-1', 'openai'] }],
    });
    expect(got).toEqual([
      'ladder.yaml: levels.0.targets.0: expected a target "provider/model" with provider one of anthropic, openai, google, simulated, found "antropic/claude-opus-4-1"',
      'ladder.yaml: levels.0.targets.1: expected a target "provider/model" with provider one of anthropic, openai, google, simulated, found "openai"',
    ]);
  });

  it('accepts a model holding slashes after the provider', () => {
    const config = parseConfig({
      data: { levels: [{ name: 'a', targets: ['openai/org/ft:gpt-4o/x'] }] },
    });
    const level = config.levels[0];
    expect(level?.kind === 'llm' && level.targets[0]).toEqual({
      provider: 'openai',
      model: 'org/ft:gpt-4o/x',
      id: 'openai/org/ft:gpt-4o/x',
    });
  });

  it('bad level names: case, reserved word, digits only, duplicates', () => {
    const got = lines({
      levels: [
        { name: 'Full', targets: ['simulated/a'] },
        { name: 'ladder', targets: ['simulated/a'] },
        { name: '2', serve: 'cache' },
        { name: 'basic', targets: ['simulated/a'] },
        { name: 'basic', serve: 'static' },
      ],
    });
    expect(got.slice(0, 3).map((l) => l.split(': expected')[0])).toEqual([
      'ladder.yaml: levels.0.name',
      'ladder.yaml: levels.1.name',
      'ladder.yaml: levels.2.name',
    ]);
    // Duplicates are a check across keys, made once every level has the right shape.
    const dup = lines({
      levels: [
        { name: 'basic', targets: ['simulated/a'] },
        { name: 'basic', serve: 'static' },
      ],
    });
    expect(dup).toEqual([
      'ladder.yaml: levels.1.name: expected a name not used by an earlier level (levels.0 has it), found "basic"',
    ]);
  });

  it('a level that is neither or both kinds, a stray message, two cache levels', () => {
    const got = lines({
      levels: [
        { name: 'a' },
        { name: 'b', targets: ['simulated/x'], serve: 'cache' },
        { name: 'c', targets: ['simulated/x'], message: 'hi' },
        { name: 'd', serve: 'cache' },
      ],
    });
    expect(got).toEqual([
      'ladder.yaml: levels.0: expected targets: ["provider/model", ...] or serve: cache | static, found neither',
      'ladder.yaml: levels.1: expected either targets (an LLM level) or serve: cache | static, found both targets and serve',
      'ladder.yaml: levels.2.message: expected no message (only a serve: static level has one), found "hi"',
      'ladder.yaml: levels.3.serve: expected at most one level with serve: cache (levels.1 is one), found "cache"',
    ]);
  });

  it('no levels at all', () => {
    expect(lines({ levels: [] })).toEqual([
      'ladder.yaml: levels: expected a list of at least one level, found a list of 0 items',
    ]);
    expect(lines({ fallback: {} })).toEqual([
      'ladder.yaml: levels: expected a list of levels, found nothing (the key is missing)',
    ]);
  });

  it('a config that is not a mapping', () => {
    expect(lines(['a'])[0]).toMatch(
      /^ladder\.yaml: \(top level\): expected a mapping of config blocks .*, found a list of 1 item$/,
    );
    const empty = configError(() => parseConfig({ text: '', source: 'ladder.yaml' }));
    expect(empty.message).toMatch(/found nothing/);
  });

  it('several problems at once give one line each', () => {
    const got = lines(
      ladder({
        breaker: { failure_rate: 0, minimum_calls: 0 },
        worker: { lock_duration_ms: -1 },
        api: { max_batch: 'x' },
      }),
    );
    expect(got).toHaveLength(4);
    for (const line of got)
      expect(line).toMatch(/^ladder\.yaml: [a-z_.0-9]+: expected .+, found .+$/);
  });

  it('never prints a secret in a message', () => {
    const got = lines(
      ladder({ providers: { openai: { api_key: 123456789 } }, api: { tokens: [987654321] } }),
    );
    expect(got.join('\n')).not.toMatch(/123456789|987654321/);
    expect(got).toContain(
      'ladder.yaml: providers.openai.api_key: expected an API key string, found a number (value hidden)',
    );
  });

  it('budgets: exactly one period, and only for LLM levels', () => {
    const got = lines(
      ladder({
        budgets: {
          levels: {
            full: { daily_usd: 5, monthly_usd: 100 },
            cached: { daily_usd: 1 },
            nope: { daily_usd: 1 },
          },
          agents: { 'billing-bot': {} },
        },
      }),
    );
    expect(got).toEqual([
      'ladder.yaml: budgets.levels.full: expected exactly one of daily_usd or monthly_usd, found both',
      'ladder.yaml: budgets.levels.cached: expected the name of an LLM level (full, reduced, basic), found "cached"',
      'ladder.yaml: budgets.levels.nope: expected the name of an LLM level (full, reduced, basic), found "nope"',
      'ladder.yaml: budgets.agents.billing-bot: expected exactly one of daily_usd or monthly_usd, found neither',
    ]);
  });

  it('complexity naming a level that does not exist', () => {
    expect(lines(ladder({ complexity: { simple: 9, complex: 'huge' } }))).toEqual([
      'ladder.yaml: complexity.simple: expected a level number from 1 to 5 or a level name (full, reduced, basic, cached, static), found 9',
      'ladder.yaml: complexity.complex: expected a level number from 1 to 5 or a level name (full, reduced, basic, cached, static), found "huge"',
    ]);
  });

  it('a price key that is not a target is quoted when it holds a dot', () => {
    expect(lines(ladder({ prices: { 'gpt-4.1': { input: 1, output: 2 } } }))).toEqual([
      'ladder.yaml: prices."gpt-4.1": expected a target "provider/model" with provider one of anthropic, openai, google, simulated, found "gpt-4.1"',
    ]);
  });
});

describe('file-level errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ladder-config-'));

  it('a YAML syntax error names the file and line', () => {
    const path = join(dir, 'broken.yaml');
    writeFileSync(path, 'levels:\n  - name: full\n    targets: [simulated/a\nbreaker: {}\n');
    const error = configError(() => loadConfig({ path, env: {} }));
    expect(error.message).toMatch(
      new RegExp(
        `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: expected valid YAML, found a syntax error: `,
      ),
    );
    expect(error.problems[0]?.line).toBeGreaterThan(0);
  });

  it('a duplicated key is a YAML error, not a silent override', () => {
    const error = configError(() =>
      parseConfig({ text: 'levels: []\nlevels: []\n', source: 'ladder.yaml' }),
    );
    expect(error.message).toMatch(
      /^ladder\.yaml:2:1: expected valid YAML, found a syntax error: Map keys must be unique/,
    );
  });

  it('a missing file names the path and the three ways to give one', () => {
    const path = join(dir, 'nope.yaml');
    const error = configError(() => loadConfig({ path, env: {} }));
    expect(error.message).toContain(path);
    expect(error.message).toContain('no such file');
    expect(error.message).toContain('--config');
    expect(error.message).toContain('LADDER_CONFIG');
    expect(error.message).toContain('./ladder.yaml');
  });

  it('problems in a file name that file', () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(
      path,
      'levels:\n  - name: full\n    targets: [simulated/a]\nbreaker:\n  failure_rate: 1.5\n',
    );
    expect(() => loadConfig({ path, env: {} })).toThrow(
      `${path}: breaker.failure_rate: expected a number in (0, 1], found 1.5`,
    );
  });
});
