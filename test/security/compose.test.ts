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

  it('the API and every worker connect with the password (REDIS_PASSWORD, kept out of the URL)', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (/^(redis|sentinel)/.test(name)) continue;
      expect(service.environment?.REDIS_URL, name).toBe('${REDIS_URL-redis://redis:6379}');
      expect(service.environment?.REDIS_PASSWORD, name).toBe('${REDIS_PASSWORD:-}');
    }
  });

  it('the sentinel profile: replicas and sentinels refuse to start without the password and use it', () => {
    const names = ['redis-replica-1', 'redis-replica-2', 'sentinel-1', 'sentinel-2', 'sentinel-3'];
    for (const name of names) {
      const script = compose.services[name]?.entrypoint?.join(' ') ?? '';
      expect(script, name).toContain('[ -n "$${REDIS_PASSWORD}" ] ||');
      expect(script, name).toMatch(name.startsWith('sentinel') ? /auth-pass/ : /masterauth/);
    }
  });
});
