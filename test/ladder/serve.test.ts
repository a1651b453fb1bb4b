import { afterEach, describe, expect, it } from 'vitest';
import { requestHash } from '../../src/cache/request-hash.js';
import { parseJob } from '../../src/ladder/job-schema.js';
import { down, ok, status, toolCall, type FakeProvider } from '../helpers/fake-provider/server.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import {
  job,
  startTestLadder,
  testConfig,
  testRedisSource,
  type TestLadder,
} from '../helpers/ladder.js';
import { createRedis } from '../../src/util/redis.js';

let fake: FakeProvider;
let ladder: TestLadder | undefined;

withFakeProvider((f) => (fake = f));
afterEach(async () => {
  await ladder?.close();
  ladder = undefined;
  fake.reset();
});

/** A job's request with its own max_tokens. */
const asked = (text: string, maxTokens: number): Record<string, unknown> => ({
  messages: [{ role: 'user', content: text }],
  max_tokens: maxTokens,
});

/** The response-cache hash of a job, as a worker computes it. */
function hashOf(data: Record<string, unknown>): string {
  const parsed = parseJob(data);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return requestHash(parsed.job.request);
}

const FIVE_LEVELS = {
  levels: [
    { name: 'full', targets: ['anthropic/claude-opus-4-7'] },
    { name: 'reduced', targets: ['anthropic/claude-sonnet-4-6', 'openai/gpt-4o'] },
    { name: 'basic', targets: ['google/gemini-2.0-flash'] },
    { name: 'cached', serve: 'cache' },
    { name: 'static', serve: 'static', message: 'Service temporarily limited' },
  ],
};

describe('serving a job on the ladder', () => {
  it.each([
    ['anthropic', 'claude-opus-4-7'],
    ['openai', 'gpt-4o'],
    ['google', 'gemini-2.0-flash'],
  ] as const)(
    'completes through %s at level 1 with the full result shape',
    async (provider, model) => {
      ladder = await startTestLadder(
        testConfig(
          {
            levels: [
              { name: 'full', targets: [`${provider}/${model}`] },
              { name: 'static', serve: 'static', message: 'sorry' },
            ],
          },
          fake,
        ),
      );
      fake.script(
        provider,
        model,
        ok('Invoice 42 totals $10.', { input_tokens: 20, output_tokens: 8 }),
      );
      const { id } = await ladder.ops.enqueue(
        job('Summarise invoice 42', { metadata: { agent: 'billing-bot' } }),
      );
      const result = await ladder.ops.result(id, { timeoutMs: 10_000 });
      expect(result).toMatchObject({
        id,
        status: 'completed',
        level: 1,
        level_name: 'full',
        provider,
        model,
        source: 'llm',
        degraded: false,
        output: { text: 'Invoice 42 totals $10.', tool_calls: [], stop_reason: 'end_turn' },
        usage: { input_tokens: 20, output_tokens: 8 },
        metadata: { agent: 'billing-bot' },
      });
      expect(result?.attempts).toEqual([
        expect.objectContaining({ level: 1, provider, model, outcome: 'ok' }),
      ]);
      expect(result?.timing.total_ms).toBeGreaterThanOrEqual(0);
      // Keys travel in headers only, never in what the provider receives as the request body.
      for (const request of fake.requests(provider))
        expect(request.rawBody).not.toContain('sk-test');
    },
  );

  it('returns tool calls in the neutral shape', async () => {
    ladder = await startTestLadder(
      testConfig({ levels: [{ name: 'full', targets: ['openai/gpt-4o'] }] }, fake),
    );
    fake.script('openai', 'gpt-4o', toolCall('lookup_invoice', { invoice: 42 }));
    const { id } = await ladder.ops.enqueue({
      request: {
        messages: [{ role: 'user', content: 'look up 42' }],
        tools: [
          {
            name: 'lookup_invoice',
            description: 'finds an invoice',
            input_schema: { type: 'object', properties: { invoice: { type: 'number' } } },
          },
        ],
        tool_choice: 'auto',
      },
    });
    const result = await ladder.ops.result(id, { timeoutMs: 10_000 });
    expect(result?.output?.stop_reason).toBe('tool_use');
    const calls = result?.output?.tool_calls ?? [];
    expect(calls.map(({ name, arguments: args }) => ({ name, args }))).toEqual([
      { name: 'lookup_invoice', args: { invoice: 42 } },
    ]);
    expect(calls[0]?.id).toMatch(/\S/);
  });

  it('moves a job down the ladder keeping its id and attempt history, and marks it degraded', async () => {
    ladder = await startTestLadder(testConfig(FIVE_LEVELS, fake));
    fake.setDefault('anthropic', 'claude-opus-4-7', down());
    fake.setDefault(
      'anthropic',
      'claude-sonnet-4-6',
      status(401, { message: 'invalid x-api-key' }),
    );
    fake.script('openai', 'gpt-4o', ok('served by gpt-4o'));
    const { id } = await ladder.ops.enqueue(job('hello', { id: 'reroute-1' }));
    expect(id).toBe('reroute-1');
    const result = await ladder.ops.result(id, { timeoutMs: 10_000 });
    expect(result).toMatchObject({
      id: 'reroute-1',
      status: 'completed',
      level: 2,
      level_name: 'reduced',
      provider: 'openai',
      model: 'gpt-4o',
      degraded: true,
      entry_level: 1,
    });
    const trail = result!.attempts.map((a) => [
      a.level,
      a.provider,
      a.outcome,
      a.class ?? a.reason ?? null,
      a.status ?? null,
    ]);
    // 503 is in on_error: one call plus max_retries (2) on opus; 401 is never retried.
    expect(trail).toEqual([
      [1, 'anthropic', 'error', 'transient', 503],
      [1, 'anthropic', 'error', 'transient', 503],
      [1, 'anthropic', 'error', 'transient', 503],
      [2, 'anthropic', 'error', 'misconfigured', 401],
      [2, 'openai', 'ok', null, null],
    ]);
    expect(fake.calls('anthropic', 'claude-opus-4-7')).toBe(3);
    expect(fake.calls('anthropic', 'claude-sonnet-4-6')).toBe(1);
  });

  it('fails a caller error at once, without rerouting or retrying', async () => {
    ladder = await startTestLadder(testConfig(FIVE_LEVELS, fake));
    fake.script(
      'anthropic',
      'claude-opus-4-7',
      status(400, { message: 'messages: roles must alternate' }),
    );
    const { id } = await ladder.ops.enqueue(job('bad'));
    const result = await ladder.ops.result(id, { timeoutMs: 10_000 });
    expect(result).toMatchObject({ status: 'failed', level: 1, error: { class: 'caller' } });
    expect(result?.error?.message).toContain('roles must alternate');
    expect(result?.attempts).toHaveLength(1);
    expect(fake.calls('anthropic', 'claude-opus-4-7')).toBe(1);
    expect(fake.calls('openai', 'gpt-4o')).toBe(0);
  });

  it('tries the next target on context_length without retrying', async () => {
    ladder = await startTestLadder(testConfig(FIVE_LEVELS, fake));
    fake.script('anthropic', 'claude-sonnet-4-6', { kind: 'context_length' });
    fake.script('openai', 'gpt-4o', ok('fits here'));
    const { id } = await ladder.ops.enqueue(job('long', { level: 'reduced' }));
    const result = await ladder.ops.result(id, { timeoutMs: 10_000 });
    expect(result).toMatchObject({ status: 'completed', provider: 'openai', degraded: false });
    expect(result?.attempts[0]).toMatchObject({ class: 'context_length', status: 400 });
    expect(fake.calls('anthropic', 'claude-sonnet-4-6')).toBe(1);
  });

  it('does not retry a transient error that on_error does not list, but moves on', async () => {
    ladder = await startTestLadder(
      testConfig({ ...FIVE_LEVELS, fallback: { on_error: [429] } }, fake),
    );
    fake.setDefault('anthropic', 'claude-opus-4-7', status(500));
    fake.script('anthropic', 'claude-sonnet-4-6', ok());
    const { id } = await ladder.ops.enqueue(job('x'));
    const result = await ladder.ops.result(id, { timeoutMs: 10_000 });
    expect(result?.status).toBe('completed');
    expect(fake.calls('anthropic', 'claude-opus-4-7')).toBe(1);
  });

  it('honours Retry-After before retrying, and moves on when it is above the cap', async () => {
    ladder = await startTestLadder(
      testConfig({ ...FIVE_LEVELS, fallback: { retry_after_cap_ms: 5_000 } }, fake),
    );
    fake.script(
      'anthropic',
      'claude-opus-4-7',
      status(429, { retryAfterSeconds: 1 }),
      ok('after waiting'),
    );
    const started = Date.now();
    const first = await ladder.ops.enqueue(job('a'));
    const result = await ladder.ops.result(first.id, { timeoutMs: 10_000 });
    expect(result).toMatchObject({ status: 'completed', level: 1 });
    expect(fake.calls('anthropic', 'claude-opus-4-7')).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    fake.script('anthropic', 'claude-opus-4-7', status(429, { retryAfterSeconds: 60 }));
    fake.script('anthropic', 'claude-sonnet-4-6', ok('moved on'));
    const second = await ladder.ops.enqueue(job('b'));
    const moved = await ladder.ops.result(second.id, { timeoutMs: 10_000 });
    expect(moved).toMatchObject({ status: 'completed', level: 2 });
  });

  it('never goes below the floor, and names every level and target tried', async () => {
    ladder = await startTestLadder(testConfig(FIVE_LEVELS, fake));
    fake.setDefault('anthropic', '*', down());
    fake.setDefault('openai', '*', down());
    const { id } = await ladder.ops.enqueue(job('floor', { floor: 'reduced' }));
    const result = await ladder.ops.result(id, { timeoutMs: 10_000 });
    expect(result).toMatchObject({ status: 'failed', level: 2, error: { class: 'transient' } });
    expect(result?.error?.message).toContain('level 1 full anthropic/claude-opus-4-7');
    expect(result?.error?.message).toContain('level 2 reduced openai/gpt-4o');
    expect(fake.calls('google', 'gemini-2.0-flash')).toBe(0);
  });

  it('serves a cached answer at the cached level after an earlier success, whatever the model', async () => {
    ladder = await startTestLadder(testConfig(FIVE_LEVELS, fake));
    fake.script('anthropic', 'claude-opus-4-7', ok('the first answer'));
    const first = await ladder.ops.enqueue(job('same question'));
    expect((await ladder.ops.result(first.id, { timeoutMs: 10_000 }))?.source).toBe('llm');

    const cached = await ladder.ops.enqueue(job('same question', { level: 'cached' }));
    const hit = await ladder.ops.result(cached.id, { timeoutMs: 10_000 });
    expect(hit).toMatchObject({
      status: 'completed',
      level: 4,
      source: 'cache',
      degraded: false,
      output: { text: 'the first answer' },
    });

    const missed = await ladder.ops.enqueue(job('never asked', { level: 'cached' }));
    const fallback = await ladder.ops.result(missed.id, { timeoutMs: 10_000 });
    expect(fallback).toMatchObject({
      status: 'completed',
      level: 5,
      source: 'static',
      degraded: true,
      output: { text: 'Service temporarily limited' },
    });
    expect(fallback?.attempts.map((a) => a.reason ?? a.outcome)).toEqual(['cache_miss', 'ok']);
  });

  it('keeps an answer cut off at max_tokens out of the response cache, and never serves one', async () => {
    ladder = await startTestLadder(testConfig(FIVE_LEVELS, fake));
    fake.script('anthropic', 'claude-opus-4-7', {
      kind: 'text',
      text: 'The an',
      stop: 'max_tokens',
    });
    const short = await ladder.ops.enqueue(
      job('long question', { request: asked('long question', 1) }),
    );
    expect(await ladder.ops.result(short.id, { timeoutMs: 10_000 })).toMatchObject({
      source: 'llm',
      output: { text: 'The an', stop_reason: 'max_tokens' },
    });

    const later = await ladder.ops.enqueue(job('long question', { level: 'cached' }));
    const missed = await ladder.ops.result(later.id, { timeoutMs: 10_000 });
    expect(missed).toMatchObject({ level: 5, source: 'static' });
    expect(missed?.attempts.map((a) => a.reason ?? a.outcome)).toEqual(['cache_miss', 'ok']);

    // An entry written before truncated answers were kept out is a miss too.
    const redis = createRedis(testRedisSource(), 'worker');
    try {
      await redis.set(
        ladder.ops.keys.cache(hashOf(job('old entry'))),
        JSON.stringify({
          output: {
            text: 'Th',
            tool_calls: [],
            stop_reason: 'max_tokens',
            raw_stop_reason: 'length',
          },
          usage: null,
          provider: 'openai',
          model: 'gpt-4o',
          level: 1,
          at: new Date().toISOString(),
        }),
      );
    } finally {
      redis.disconnect();
    }
    const old = await ladder.ops.enqueue(job('old entry', { level: 'cached' }));
    expect(await ladder.ops.result(old.id, { timeoutMs: 10_000 })).toMatchObject({
      level: 5,
      source: 'static',
    });
  });

  it('serves the static message when every LLM level is down', async () => {
    ladder = await startTestLadder(testConfig(FIVE_LEVELS, fake));
    fake.setDefault('anthropic', '*', down());
    fake.setDefault('openai', '*', down());
    fake.setDefault('google', '*', down());
    const { id } = await ladder.ops.enqueue(job('anything'));
    const result = await ladder.ops.result(id, { timeoutMs: 10_000 });
    expect(result).toMatchObject({
      status: 'completed',
      level: 5,
      source: 'static',
      degraded: true,
    });
    expect(result?.attempts.at(-2)).toMatchObject({
      level: 4,
      outcome: 'skipped',
      reason: 'cache_miss',
    });
  });

  it('treats the same id twice as one job and one result', async () => {
    ladder = await startTestLadder(testConfig(FIVE_LEVELS, fake));
    fake.setDefault('anthropic', 'claude-opus-4-7', ok('once', undefined));
    const a = await ladder.ops.enqueue(job('dup', { id: 'same-id' }));
    const b = await ladder.ops.enqueue(job('dup', { id: 'same-id' }));
    expect(a).toMatchObject({ id: 'same-id', created: true });
    expect(b).toMatchObject({ id: 'same-id', created: false });
    const result = await ladder.ops.result('same-id', { timeoutMs: 10_000 });
    expect(result?.status).toBe('completed');
    const again = await ladder.ops.enqueue(job('dup', { id: 'same-id' }));
    expect(again).toMatchObject({ created: false, status: 'completed' });
    // Once nothing waits or runs on any level, no second call can still come. (The finished job
    // may be active a moment longer: BullMQ moves it after the record is final.)
    const queues = await ladder.ops.levelQueues();
    const pending = async (): Promise<number> => {
      let total = 0;
      for (const level of ladder!.config.levels) {
        const counts = await queues
          .queue(level.name)
          .getJobCounts('wait', 'prioritized', 'delayed', 'active');
        total += Object.values(counts).reduce((a, b) => a + b, 0);
      }
      return total;
    };
    await expect.poll(pending, { timeout: 5_000, interval: 20 }).toBe(0);
    expect(fake.calls('anthropic', 'claude-opus-4-7')).toBe(1);
  });
});
