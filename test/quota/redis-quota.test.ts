import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TargetLimits } from '../../src/config/types.js';
import { createKeys } from '../../src/ladder/keys.js';
import { readQuotaStates } from '../../src/quota/read-state.js';
import { RedisQuota } from '../../src/quota/redis-quota.js';
import type { Admission, AdmitRequest } from '../../src/quota/types.js';

let redis: Redis;
beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
});
afterAll(async () => {
  await redis.quit();
});

const TARGET = { provider: 'openai', model: 'gpt-4o', id: 'openai/gpt-4o' };

/** Two "processes" (two limiters) sharing one Redis and one fake clock. */
function setup(limits: Record<string, TargetLimits>, adaptive = true) {
  const keys = createKeys(`q-${randomUUID().slice(0, 8)}`);
  const clock = { now: 1_700_000_000_000 };
  const make = (): RedisQuota =>
    new RedisQuota({ redis, keys, limits, config: { adaptive }, now: () => clock.now });
  return { keys, clock, a: make(), b: make() };
}

function ask(ticket: string, extra: Partial<AdmitRequest> = {}): AdmitRequest {
  return {
    target: TARGET,
    ticket,
    agent: undefined,
    priority: 500,
    estimatedTokens: 100,
    callTimeoutMs: 10_000,
    ...extra,
  };
}

const go = (a: Admission): boolean => a.kind === 'go';

describe('RedisQuota', () => {
  it('spreads rpm: at most ceil(rpm / 60) starts in a second, across processes', async () => {
    const { a, b, clock } = setup({ [TARGET.id]: { rpm: 600 } });
    const answers: Admission[] = [];
    for (let i = 0; i < 30; i++) answers.push(await (i % 2 === 0 ? a : b).admit(ask(`j${i}`)));
    expect(answers.filter(go)).toHaveLength(10);
    const waits = answers.filter((x) => x.kind === 'wait');
    // Waiters are told to come back one slot apart, in the order they arrived.
    const ms = waits.map((w) => (w.kind === 'wait' ? w.waitMs : 0));
    expect(ms).toEqual([...ms].sort((x, y) => x - y));
    expect(ms[0]).toBeGreaterThanOrEqual(1000);
    clock.now += 1000;
    const next = await a.admit(ask('j10'));
    expect(next.kind).toBe('go');
    // Someone arriving later does not jump the waiting room.
    const late = await b.admit(ask('fresh'));
    expect(late.kind).toBe('wait');
  });

  it('holds a minute window of rpm whatever the spreading allows', async () => {
    const { a, clock } = setup({ [TARGET.id]: { rpm: 3 } });
    let admitted = 0;
    for (let s = 0; s < 60; s++) {
      const answer = await a.admit(ask(`m${s}`));
      if (answer.kind === 'go') admitted++;
      else await a.leave(TARGET.id, `m${s}`);
      clock.now += 1000;
    }
    expect(admitted).toBe(3);
  });

  it('caps concurrency and frees a slot when a call settles', async () => {
    const { a, b } = setup({ [TARGET.id]: { concurrency: 2 } });
    const first = await a.admit(ask('c1'));
    const second = await b.admit(ask('c2'));
    const third = await a.admit(ask('c3'));
    expect([first.kind, second.kind, third.kind]).toEqual(['go', 'go', 'wait']);
    if (third.kind === 'wait') expect(third.reason).toBe('concurrency');
    if (first.kind !== 'go') throw new Error('unreachable');
    await a.settle(first.lease, { kind: 'ok', usage: null, rateLimit: null });
    expect((await a.admit(ask('c3'))).kind).toBe('go');
  });

  it('counts tokens and corrects the estimate with the reported usage', async () => {
    const { a, keys, clock } = setup({ [TARGET.id]: { tpm: 1000 } });
    const one = await a.admit(ask('t1', { estimatedTokens: 900 }));
    expect(one.kind).toBe('go');
    expect((await a.admit(ask('t2', { estimatedTokens: 200 }))).kind).toBe('wait');
    if (one.kind !== 'go') throw new Error('unreachable');
    await a.settle(one.lease, {
      kind: 'ok',
      usage: { input_tokens: 50, output_tokens: 50 },
      rateLimit: null,
    });
    expect((await a.admit(ask('t2', { estimatedTokens: 200 }))).kind).toBe('go');
    const state = await readQuotaStates({
      redis,
      keys,
      targets: [TARGET.id],
      limits: { [TARGET.id]: { tpm: 1000 } },
      nowMs: clock.now,
    });
    expect(state[TARGET.id]?.last_minute).toEqual({ requests: 2, tokens: 300 });
  });

  it('a 429 saturates the target for every process until its Retry-After', async () => {
    const { a, b, clock, keys } = setup({});
    const call = await a.admit(ask('s1'));
    if (call.kind !== 'go') throw new Error('expected go');
    const until = await a.settle(call.lease, {
      kind: 'saturated',
      retryAfterMs: 3000,
      rateLimit: null,
    });
    expect(until).toBe(clock.now + 3000);
    const other = await b.admit(ask('s2'));
    expect(other).toMatchObject({ kind: 'wait', reason: 'saturated' });
    if (other.kind === 'wait') expect(other.waitMs).toBeGreaterThanOrEqual(3000);
    const state = await readQuotaStates({
      redis,
      keys,
      targets: [TARGET.id],
      limits: {},
      nowMs: clock.now,
    });
    expect(state[TARGET.id]?.saturated_until).toBe(new Date(clock.now + 3000).toISOString());
    expect(state[TARGET.id]?.rate_limited).toBe(1);
    clock.now += 3000;
    expect((await b.admit(ask('s2'))).kind).toBe('go');
  });

  it('learns a rate from 429s without limits (and not with adaptation off)', async () => {
    const { a, clock } = setup({});
    for (let i = 0; i < 40; i++) {
      const answer = await a.admit(ask(`l${i}`));
      if (answer.kind !== 'go') throw new Error('expected go while quiet');
      clock.now += 100;
      await a.settle(answer.lease, { kind: 'ok', usage: null, rateLimit: null });
    }
    const hit = await a.admit(ask('l-429'));
    if (hit.kind !== 'go') throw new Error('expected go');
    await a.settle(hit.lease, { kind: 'saturated', retryAfterMs: 0, rateLimit: null });
    // 40 calls in ~4 s: about 600/min seen, learned 70% of that: 7 starts a second (once the
    // shortest saturation a 429 brings, 100 ms, has passed).
    clock.now += 100;
    const burst = [];
    for (let i = 0; i < 20; i++) burst.push(await a.admit(ask(`after${i}`)));
    expect(burst.filter(go).length).toBeGreaterThan(0);
    expect(burst.filter(go).length).toBeLessThan(10);
    expect(a.managed(TARGET.id)).toBe(true);
    expect(setup({}, false).a.managed(TARGET.id)).toBe(false);
    expect(setup({ [TARGET.id]: { rpm: 1 } }, false).a.managed(TARGET.id)).toBe(true);
  });

  it('orders the waiting room by priority, then fairly by agent', async () => {
    const { a, clock } = setup({ [TARGET.id]: { rpm: 60 } });
    expect((await a.admit(ask('first'))).kind).toBe('go');
    const waits = new Map<string, number>();
    const wait = async (ticket: string, extra: Partial<AdmitRequest>): Promise<void> => {
      const answer = await a.admit(ask(ticket, extra));
      if (answer.kind !== 'wait') throw new Error(`${ticket} was admitted`);
      waits.set(ticket, answer.waitMs);
    };
    for (let i = 0; i < 5; i++) await wait(`bulk${i}`, { agent: 'bulk' });
    await wait('small', { agent: 'small' });
    await wait('urgent', { agent: 'bulk', priority: 1 });
    // Ask again in the same instant: the tickets keep their places.
    const order = [...waits.keys()];
    for (const ticket of order) await wait(ticket, {});
    const sorted = [...waits].sort((x, y) => x[1] - y[1]).map(([t]) => t);
    expect(sorted[0]).toBe('urgent');
    expect(sorted.indexOf('small')).toBeLessThanOrEqual(2);
    expect(sorted.at(-1)).toMatch(/^bulk/);
    clock.now += 1000;
    expect((await a.admit(ask('bulk4', { agent: 'bulk' }))).kind).toBe('wait');
    expect((await a.admit(ask('urgent', { priority: 1 }))).kind).toBe('go');
  });
});
