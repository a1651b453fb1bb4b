import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatedProvider } from '../../src/providers/simulated/adapter.js';
import { job, startTestLadder, testConfig, type TestLadder } from '../helpers/ladder.js';

let ladder: TestLadder | undefined;
afterEach(async () => {
  await ladder?.close();
  ladder = undefined;
});

const CITY = {
  type: 'object',
  properties: {
    city: { type: 'string' },
    population: { type: 'integer', minimum: 0 },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['city', 'population', 'tags'],
  additionalProperties: false,
};

const asked = (schema: Record<string, unknown> = CITY, text = 'Describe Paris') =>
  job(text, {
    request: {
      messages: [{ role: 'user', content: text }],
      max_tokens: 256,
      response_format: { type: 'json_schema', json_schema: { name: 'city', schema, strict: true } },
    },
  });

async function start(breaker: Record<string, unknown> = {}): Promise<SimulatedProvider> {
  ladder = await startTestLadder(
    testConfig({
      providers: { simulated: { latency_ms: 0 } },
      breaker,
      levels: [
        { name: 'full', targets: ['simulated/a', 'simulated/b'] },
        { name: 'cached', serve: 'cache' },
        { name: 'static', serve: 'static', message: 'Service temporarily limited' },
      ],
    }),
  );
  return ladder.runtime.providers.get('simulated') as SimulatedProvider;
}

describe('structured output on the ladder', () => {
  it('serves a schema-valid answer with output.parsed', async () => {
    await start();
    const { id } = await ladder!.ops.enqueue(asked());
    const result = await ladder!.ops.result(id, { timeoutMs: 10_000 });
    expect(result).toMatchObject({ status: 'completed', provider: 'simulated', model: 'a' });
    expect(result?.output?.parsed).toEqual({
      city: expect.any(String) as string,
      population: 1,
      tags: [expect.any(String) as string],
    });
    expect(JSON.parse(result?.output?.text ?? '')).toEqual(result?.output?.parsed);
  });

  it('moves an invalid answer on to the next target, with the validator error in the trail', async () => {
    const simulated = await start();
    simulated.setInvalidOutput('a', true);
    const { id } = await ladder!.ops.enqueue(asked());
    const result = await ladder!.ops.result(id, { timeoutMs: 10_000 });
    expect(result).toMatchObject({ status: 'completed', model: 'b', degraded: false });
    expect(result?.attempts).toEqual([
      expect.objectContaining({
        model: 'a',
        outcome: 'error',
        class: 'invalid_output',
        error: expect.stringContaining('/city must be string') as string,
      }),
      expect.objectContaining({ model: 'b', outcome: 'ok' }),
    ]);
  });

  it('serves a cached answer only to the same schema, and fails at the static level', async () => {
    const simulated = await start();
    const first = await ladder!.ops.enqueue(asked());
    const served = await ladder!.ops.result(first.id, { timeoutMs: 10_000 });
    simulated.setInvalidOutput('*', true);

    const again = await ladder!.ops.enqueue(asked());
    const cached = await ladder!.ops.result(again.id, { timeoutMs: 10_000 });
    expect(cached).toMatchObject({ status: 'completed', source: 'cache', level_name: 'cached' });
    expect(cached?.output?.parsed).toEqual(served?.output?.parsed);

    const other = await ladder!.ops.enqueue(
      asked({ type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }),
    );
    const failed = await ladder!.ops.result(other.id, { timeoutMs: 10_000 });
    expect(failed).toMatchObject({ status: 'failed', error: { class: 'invalid_output' } });
    expect(failed?.error?.message).toContain('the static level answers with a fixed message');
    expect(failed?.attempts.map((a) => [a.level_name, a.outcome, a.class ?? a.reason])).toEqual([
      ['full', 'error', 'invalid_output'],
      ['full', 'error', 'invalid_output'],
      ['cached', 'skipped', 'cache_miss'],
      ['static', 'error', 'invalid_output'],
    ]);
  });

  it('counts invalid answers for the breaker only from breaker.invalid_output_threshold on', async () => {
    const simulated = await start({ invalid_output_threshold: 2, failure_threshold: 1 });
    simulated.setInvalidOutput('a', true);
    const first = await ladder!.ops.enqueue(asked(CITY, 'one'));
    await ladder!.ops.result(first.id, { timeoutMs: 10_000 });
    const breakerOfA = async () => {
      const state = await ladder!.ops.ladder();
      return state.levels[0]?.targets.find((t) => t.target === 'simulated/a')?.breaker.state;
    };
    expect(await breakerOfA()).toBe('closed');
    const second = await ladder!.ops.enqueue(asked(CITY, 'two'));
    await ladder!.ops.result(second.id, { timeoutMs: 10_000 });
    await expect.poll(breakerOfA).toBe('open');
    const third = await ladder!.ops.enqueue(asked(CITY, 'three'));
    const result = await ladder!.ops.result(third.id, { timeoutMs: 10_000 });
    expect(result?.attempts[0]).toMatchObject({
      model: 'a',
      outcome: 'skipped',
      reason: 'breaker_open',
    });
  });
});
