import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Service {
  entrypoint?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'), {
  merge: true,
}) as { services: Record<string, Service> };

describe('docker-compose.yml: Redis has a password, and every service uses it', () => {
  it('Redis refuses to start without REDIS_PASSWORD and requires it from clients', () => {
    const redis = compose.services.redis;
    const script = redis?.entrypoint?.join(' ') ?? '';
    expect(script).toContain('requirepass');
    expect(script).toContain('[ -n "$${REDIS_PASSWORD}" ] ||');
    expect(redis?.environment?.REDIS_PASSWORD).toBe('${REDIS_PASSWORD:-}');
    expect(redis?.healthcheck?.test.join(' ')).toContain('REDISCLI_AUTH');
  });

  it('the API and every worker connect with the password in the URL', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (name === 'redis') continue;
      expect(service.environment?.REDIS_URL, name).toBe('redis://:${REDIS_PASSWORD:-}@redis:6379');
    }
  });
});
