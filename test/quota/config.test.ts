import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config/load.js';
import { parseJob } from '../../src/ladder/job-schema.js';
import { configError, ladder } from '../config/helpers.js';

describe('limits: and quota:', () => {
  it('reads limits per target and defaults adaptation on', () => {
    const config = buildConfig(
      ladder({
        limits: {
          'simulated/opus-sim': { rpm: 600, tpm: 150000, concurrency: 32 },
          'simulated/haiku-sim': { rpm: 50 },
        },
      }),
    );
    expect(config.limits).toEqual({
      'simulated/opus-sim': { rpm: 600, tpm: 150000, concurrency: 32 },
      'simulated/haiku-sim': { rpm: 50 },
    });
    expect(config.quota).toEqual({ adaptive: true });
    expect(buildConfig(ladder({ quota: { adaptive: false } })).quota).toEqual({ adaptive: false });
  });

  it('names the key path of a bad limit value', () => {
    const text = configError(() =>
      buildConfig(
        ladder({
          limits: {
            'simulated/opus-sim': { rpm: 0 },
            'simulated/sonnet-sim': { tpm: -5, concurrency: 1.5 },
            'simulated/haiku-sim': { rpm: 'fast' },
          },
        }),
      ),
    ).message;
    expect(text).toContain('limits.simulated/opus-sim.rpm: expected an integer ≥ 1');
    expect(text).toContain('limits.simulated/sonnet-sim.tpm: expected an integer ≥ 1');
    expect(text).toContain('limits.simulated/sonnet-sim.concurrency: expected an integer ≥ 1');
    expect(text).toContain('limits.simulated/haiku-sim.rpm: expected an integer ≥ 1');
    expect(() => buildConfig(ladder({ quota: { adaptive: 'yes' } }))).toThrow(/quota\.adaptive/);
  });

  it('refuses a target no level calls, and an entry with no limit', () => {
    const text = configError(() =>
      buildConfig(ladder({ limits: { 'openai/gpt-4o': { rpm: 10 }, 'simulated/haiku-sim': {} } })),
    ).message;
    expect(text).toMatch(/limits\.openai\/gpt-4o: expected a target of the ladder \(simulated/);
    expect(text).toContain(
      'limits.simulated/haiku-sim: expected at least one of rpm, tpm or concurrency',
    );
  });
});

describe('job priority', () => {
  const request = { messages: [{ role: 'user', content: 'hi' }] };
  it('takes an integer from 1 to 1000', () => {
    expect(parseJob({ request, priority: 1 }).ok).toBe(true);
    expect(parseJob({ request, priority: 1000 }).ok).toBe(true);
  });
  it.each([0, 1001, 2.5, '5', -1])('refuses %j naming the field', (priority) => {
    const parsed = parseJob({ request, priority });
    expect(parsed).toMatchObject({
      ok: false,
      problems: [
        { path: 'priority', message: 'priority is an integer from 1 to 1000 (lower runs first)' },
      ],
    });
  });
});
