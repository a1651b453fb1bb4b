import { afterEach, describe, expect, it } from 'vitest';
import { down, ok, status, toolCall, type FakeProvider } from '../helpers/fake-provider/server.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import { job, startTestLadder, testConfig, type TestLadder } from '../helpers/ladder.js';

let fake: FakeProvider;
let ladder: TestLadder | undefined;

withFakeProvider((f) => (fake = f));
afterEach(async () => {
  await ladder?.close();
  ladder = undefined;
  fake.reset();
});

import { FIVE_LEVELS } from '../helpers/five-levels.js';

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
