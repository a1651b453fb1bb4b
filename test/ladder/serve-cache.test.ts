import { afterEach, describe, expect, it } from 'vitest';
import { requestHash } from '../../src/cache/request-hash.js';
import { parseJob } from '../../src/ladder/job-schema.js';
import { createRedis } from '../../src/util/redis.js';
import { ok, type FakeProvider } from '../helpers/fake-provider/server.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import {
  job,
  startTestLadder,
  testConfig,
  testRedisSource,
  type TestLadder,
} from '../helpers/ladder.js';
import { FIVE_LEVELS } from '../helpers/five-levels.js';

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

describe('serving from the response cache', () => {
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
});
