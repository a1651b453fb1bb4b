import { describe, expect, it } from 'vitest';
import { buildConfig, resolveConfigPath } from '../../src/config/load.js';
import { configError, ladder } from './helpers.js';

const realTargets = {
  levels: [
    { name: 'full', targets: ['anthropic/claude-opus-4-1'] },
    { name: 'reduced', targets: ['openai/gpt-4o', 'google/gemini-2.0-flash'] },
  ],
};

describe('environment fallbacks', () => {
  it('redis.url: config, else REDIS_URL, else the local default', () => {
    const env = { REDIS_URL: 'redis://env:6379' };
    expect(buildConfig(ladder({ redis: { url: 'redis://cfg:6379' } }), { env }).redis.url).toBe(
      'redis://cfg:6379',
    );
    expect(buildConfig(ladder(), { env }).redis.url).toBe('redis://env:6379');
    expect(buildConfig(ladder(), { env: {} }).redis.url).toBe('redis://127.0.0.1:6379');
    // `${REDIS_URL:-}` left empty counts as unset.
    expect(buildConfig(ladder({ redis: { url: '' } }), { env }).redis.url).toBe('redis://env:6379');
  });

  it('REDIS_PASSWORD applies to a URL without one; a password in the URL wins', () => {
    const env = { REDIS_URL: 'redis://redis:6379', REDIS_PASSWORD: 'c0ffee' };
    expect(buildConfig(ladder(), { env }).redis.url).toBe('redis://:c0ffee@redis:6379');
    const own = { ...env, REDIS_URL: 'redis://:mine@redis:6379' };
    expect(buildConfig(ladder(), { env: own }).redis.url).toBe('redis://:mine@redis:6379');
    // Unset REDIS_URL with the sentinels named: the sentinel form, the password its masters'.
    const sentinel = buildConfig(ladder(), {
      env: {
        REDIS_URL: '',
        REDIS_SENTINELS: 's1:26379',
        REDIS_SENTINEL_NAME: 'ladder',
        REDIS_PASSWORD: 'c0ffee',
      },
    });
    expect(sentinel.redis.endpoint).toMatchObject({ kind: 'sentinel', password: 'c0ffee' });
  });

  it('redis.prefix defaults to ladder and keeps a cluster hash tag', () => {
    expect(buildConfig(ladder({ redis: { prefix: '{ladder}' } })).redis.prefix).toBe('{ladder}');
  });

  it('a bad REDIS_URL names the variable', () => {
    const error = configError(() =>
      buildConfig(ladder(), { env: { REDIS_URL: 'localhost:6379' } }),
    );
    expect(error.message).toContain('redis.url');
    expect(error.message).toContain('REDIS_URL');
  });

  it('api.port: config, else PORT, else 3000', () => {
    expect(buildConfig(ladder({ api: { port: 8080 } }), { env: { PORT: '9090' } }).api.port).toBe(
      8080,
    );
    expect(buildConfig(ladder(), { env: { PORT: '9090' } }).api.port).toBe(9090);
    expect(buildConfig(ladder(), { env: {} }).api.port).toBe(3000);
    const error = configError(() => buildConfig(ladder(), { env: { PORT: 'http' } }));
    expect(error.message).toBe(
      '(inline): api.port: expected an integer from 0 to 65535, found "http"; taken from the environment variable PORT',
    );
  });

  it('api.tokens: the config list plus LADDER_API_TOKENS', () => {
    const config = buildConfig(ladder({ api: { tokens: ['a', 'b'] } }), {
      env: { LADDER_API_TOKENS: ' c, ,b,d ' },
    });
    expect(config.api.tokens).toEqual(['a', 'b', 'c', 'd']);
    expect(buildConfig(ladder(), { env: { LADDER_API_TOKENS: 'x' } }).api.tokens).toEqual(['x']);
  });
});

describe('provider keys', () => {
  it('every provider a target names gets settings, keys from the usual variables', () => {
    const config = buildConfig(realTargets, {
      env: { ANTHROPIC_API_KEY: 'ak', OPENAI_API_KEY: 'ok', GOOGLE_API_KEY: 'gk' },
    });
    expect(config.providers).toEqual({
      anthropic: { apiKey: 'ak', apiKeyEnv: ['ANTHROPIC_API_KEY'], timeoutMs: 60_000 },
      openai: { apiKey: 'ok', apiKeyEnv: ['OPENAI_API_KEY'], timeoutMs: 60_000 },
      google: { apiKey: 'gk', apiKeyEnv: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'], timeoutMs: 60_000 },
    });
  });

  it('GEMINI_API_KEY is consulted before GOOGLE_API_KEY', () => {
    const config = buildConfig(realTargets, {
      env: { GEMINI_API_KEY: 'gem', GOOGLE_API_KEY: 'goo' },
    });
    expect(config.providers.google?.apiKey).toBe('gem');
  });

  it('no key anywhere leaves apiKey unset but names the variables to set', () => {
    const config = buildConfig(realTargets, { env: {} });
    expect(config.providers.anthropic?.apiKey).toBeUndefined();
    expect(config.providers.anthropic?.apiKeyEnv).toEqual(['ANTHROPIC_API_KEY']);
  });

  it('the config key wins; base_url and timeout_ms come from the config only', () => {
    const config = buildConfig(
      {
        ...realTargets,
        providers: {
          anthropic: {
            api_key: 'from-config',
            base_url: 'http://127.0.0.1:9999',
            timeout_ms: 5000,
          },
        },
      },
      { env: { ANTHROPIC_API_KEY: 'from-env', ANTHROPIC_BASE_URL: 'http://ignored' } },
    );
    expect(config.providers.anthropic).toEqual({
      apiKey: 'from-config',
      apiKeyEnv: ['ANTHROPIC_API_KEY'],
      baseUrl: 'http://127.0.0.1:9999',
      timeoutMs: 5000,
    });
    expect(config.providers.openai?.baseUrl).toBeUndefined();
  });

  it('a configured but unused provider still gets settings', () => {
    const config = buildConfig(ladder({ providers: { openai: { api_key: 'k' } } }));
    expect(config.providers.openai?.apiKey).toBe('k');
    expect(Object.keys(config.providers).sort()).toEqual(['openai', 'simulated']);
  });
});

describe('resolveConfigPath', () => {
  const cwd = '/srv/app';

  it('prefers --config, then LADDER_CONFIG, then ./ladder.yaml', () => {
    const env = { LADDER_CONFIG: '/etc/ladder/prod.yaml' };
    expect(resolveConfigPath({ flag: 'conf/dev.yaml', env, cwd })).toBe('/srv/app/conf/dev.yaml');
    expect(resolveConfigPath({ env, cwd })).toBe('/etc/ladder/prod.yaml');
    expect(resolveConfigPath({ env: {}, cwd })).toBe('/srv/app/ladder.yaml');
  });

  it('treats an empty flag or variable as not given', () => {
    expect(resolveConfigPath({ flag: '', env: { LADDER_CONFIG: '' }, cwd })).toBe(
      '/srv/app/ladder.yaml',
    );
  });
});
