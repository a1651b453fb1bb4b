import { describe, expect, it } from 'vitest';
import { interpolate, interpolateString } from '../../src/config/interpolate.js';
import { parseConfig } from '../../src/config/load.js';
import { configError, ladder } from './helpers.js';

describe('interpolateString', () => {
  it('replaces ${VAR} and ${VAR:-default}', () => {
    expect(interpolateString('a ${X} b ${Y:-dflt} c', { X: '1' })).toEqual({
      ok: true,
      text: 'a 1 b dflt c',
      vars: ['X', 'Y'],
    });
  });

  it('takes the default when the variable is empty, as the shell does', () => {
    const result = interpolateString('${X:-fallback}', { X: '' });
    expect(result.ok && result.text).toBe('fallback');
  });

  it('keeps a set but empty variable without default', () => {
    const result = interpolateString('[${X}]', { X: '' });
    expect(result.ok && result.text).toBe('[]');
  });

  it('allows an empty default', () => {
    const result = interpolateString('${X:-}', {});
    expect(result.ok && result.text).toBe('');
  });

  it('turns $${ into a literal ${', () => {
    const result = interpolateString('cost: $${X} and $5', { X: 'no' });
    expect(result.ok && result.text).toBe('cost: ${X} and $5');
  });

  it('reports an unset variable with its name and key path', () => {
    const result = interpolateString('${MISSING}', {}, 'providers.openai.api_key');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem.path).toBe('providers.openai.api_key');
      expect(result.problem.message).toContain('MISSING');
      expect(result.problem.message).toMatch(
        /^providers\.openai\.api_key: expected the environment variable MISSING to be set/,
      );
    }
  });

  it('reports an unclosed or malformed expression', () => {
    expect(interpolateString('${OOPS', {}).ok).toBe(false);
    expect(interpolateString('${1BAD}', {}).ok).toBe(false);
  });
});

describe('interpolate (tree)', () => {
  it('walks maps and lists, leaves keys and non-strings alone, and records references', () => {
    const result = interpolate({ '${K}': ['${A}', 1, true, null, { b: 'x${B:-y}' }] }, { A: 'a' });
    expect(result.value).toEqual({ '${K}': ['a', 1, true, null, { b: 'xy' }] });
    expect(result.refs.get('${K}.0')).toEqual(['A']);
    expect(result.refs.get('${K}.4.b')).toEqual(['B']);
  });

  it('keeps YAML-special characters of a secret intact (interpolation runs after parsing)', () => {
    const secret = 'a: b # "c\' {d} [e]\nf';
    const config = parseConfig({
      text:
        'providers:\n  openai:\n    api_key: ${OPENAI_SECRET}\n' +
        'levels:\n  - name: full\n    targets: [openai/gpt-4o]\n',
      env: { OPENAI_SECRET: secret },
    });
    expect(config.providers.openai?.apiKey).toBe(secret);
    // The variable the config named comes first among the ones to set when the key is missing.
    expect(config.providers.openai?.apiKeyEnv).toEqual(['OPENAI_SECRET', 'OPENAI_API_KEY']);
  });

  it('reads interpolated numbers as numbers', () => {
    const config = parseConfig({
      data: ladder({ api: { port: '${PORT_NUMBER}' }, breaker: { failure_rate: '${RATE:-0.25}' } }),
      env: { PORT_NUMBER: '8080' },
    });
    expect(config.api.port).toBe(8080);
    expect(config.breaker.failureRate).toBe(0.25);
  });

  it('fails the load naming file, key path and variable when a variable is unset', () => {
    const error = configError(() =>
      parseConfig({
        text: 'redis:\n  url: ${REDIS_HOST_URL}\nlevels:\n  - name: a\n    serve: ${KIND}\n',
        source: 'ladder.yaml',
        env: {},
      }),
    );
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^ladder\.yaml: redis\.url: expected the environment variable REDIS_HOST_URL to be set, found REDIS_HOST_URL unset/,
    );
    expect(lines[1]).toMatch(/^ladder\.yaml: levels\.0\.serve: .*KIND/);
  });
});
