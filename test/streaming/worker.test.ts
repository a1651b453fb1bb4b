import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LadderClient } from '../../src/producer/ladder-client.js';
import type { JobEvent } from '../../src/streaming/events.js';
import {
  cutAfter,
  down,
  malformedAfter,
  stallAfter,
  startFakeProvider,
  streamed,
  type FakeProvider,
} from '../helpers/fake-provider/server.js';
import { job, startTestLadder, testConfig, type TestLadder } from '../helpers/ladder.js';
import { answerText, collect, finalOf, gate, typesOf } from './events.js';

let fake: FakeProvider;
let ladder: TestLadder | undefined;

beforeAll(async () => {
  fake = await startFakeProvider();
});
afterEach(async () => {
  await ladder?.close();
  ladder = undefined;
  fake.reset();
});
afterAll(async () => {
  await fake.close();
});

const TEXT = 'One two three four five six seven eight.';

async function start(
  levels: unknown[],
  fallback: Record<string, unknown> = {},
): Promise<TestLadder> {
  ladder = await startTestLadder(
    testConfig({ levels, fallback: { max_retries: 0, ...fallback } }, fake),
  );
  return ladder;
}

describe('a streamed job in the worker', () => {
  it('puts pieces in the job stream while the provider is still answering', async () => {
    const l = await start([{ name: 'full', targets: ['anthropic/claude-a'] }]);
    const held = gate();
    fake.script(
      'anthropic',
      'claude-a',
      streamed(TEXT, { hold: { afterChunks: 2, until: held.until } }),
    );
    const { id } = await l.ops.enqueue(job('Count', { stream: true }));
    const iterator = (await l.ops.events(id))[Symbol.asyncIterator]();
    // The provider sends the rest only once a reader has seen the first piece.
    const first = await iterator.next();
    expect(first.value).toMatchObject({ type: 'delta', data: { text: 'One ' } });
    expect((await l.ops.get(id))?.status).toBe('active');
    held.open();
    if (first.done) throw new Error('the stream ended before its first event');
    const firstEvent: JobEvent = first.value;
    const rest = [firstEvent, ...(await collect({ [Symbol.asyncIterator]: () => iterator }))];
    expect(typesOf(rest).filter((t) => t !== 'delta')).toEqual(['attempt', 'final']);
    expect(answerText(rest)).toBe(TEXT);
    expect(finalOf(rest).output?.text).toBe(TEXT);
    expect(new Set(rest.map((e) => e.id)).size).toBe(rest.length);
  });

  it('leaves a job without stream as it was: no event stream, a final made from the record', async () => {
    const l = await start([{ name: 'full', targets: ['anthropic/claude-a'] }]);
    fake.script('anthropic', 'claude-a', streamed(TEXT));
    const { id } = await l.ops.enqueue(job('Count'));
    const events = await collect(await l.ops.events(id));
    expect(events.map((e) => [e.id, e.type])).toEqual([
      ['r-0', 'attempt'],
      ['r-1', 'final'],
    ]);
    expect(await l.runtime.redis.exists(l.ops.keys.jobStream(id))).toBe(0);
    // The call was not a streaming one.
    expect(fake.requests('anthropic')[0]?.body).not.toHaveProperty('stream', true);
  });

  it.each([
    ['cut', cutAfter(2)],
    ['malformed', malformedAfter(2)],
    ['stall', stallAfter(2)],
  ] as const)(
    'after a %s mid-answer, restarts on the next target and completes there',
    async (_name, fault) => {
      const l = await start([{ name: 'full', targets: ['openai/gpt-a', 'openai/gpt-b'] }], {
        stream_idle_ms: 150,
      });
      fake.script('openai', 'gpt-a', streamed(TEXT, { fault }));
      fake.script('openai', 'gpt-b', streamed('Second answer here.'));
      const { id } = await l.ops.enqueue(job('Count', { stream: true }));
      const events = await collect(await l.ops.events(id));
      const final = finalOf(events);
      expect(final).toMatchObject({ status: 'completed', model: 'gpt-b' });
      expect(answerText(events)).toBe('Second answer here.');
      expect(final.output?.text).toBe('Second answer here.');
      // The cut attempt's pieces came first; then the attempt, the restart, the new answer.
      const types = typesOf(events);
      expect(types.indexOf('delta')).toBeLessThan(types.indexOf('attempt'));
      expect(types.indexOf('attempt')).toBeLessThan(types.indexOf('restart'));
      const restart = events.find((e) => e.type === 'restart');
      expect(restart?.data).toEqual({
        level: 1,
        provider: 'openai',
        model: 'gpt-b',
        sent_chars: 8,
        continues: false,
        kept_chars: 0,
      });
      expect(final.attempts[0]).toMatchObject({
        model: 'gpt-a',
        outcome: 'error',
        class: 'transient',
        sent_chars: 8,
      });
      // A failure mid-stream counts for the breaker like any transient error.
      const state = await l.ops.ladder();
      const target = state.levels[0]?.targets.find((t) => t.target === 'openai/gpt-a');
      expect(target?.breaker.failures).toBe(1);
    },
  );

  it('continues the partial answer on a target that takes a prefill', async () => {
    const l = await start([
      { name: 'full', targets: ['anthropic/claude-a', 'anthropic/claude-b'] },
    ]);
    fake.script('anthropic', 'claude-a', streamed(TEXT, { fault: cutAfter(3) }));
    fake.script('anthropic', 'claude-b', streamed('four five six seven eight.'));
    const { id } = await l.ops.enqueue(job('Count', { stream: true }));
    const events = await collect(await l.ops.events(id));
    expect(events.find((e) => e.type === 'restart')?.data).toMatchObject({
      continues: true,
      kept_chars: 14,
      sent_chars: 14,
    });
    expect(answerText(events)).toBe(TEXT);
    expect(finalOf(events).output?.text).toBe(TEXT);
    const second = fake.requests('anthropic', 'claude-b')[0]?.body as {
      messages: Array<{ role: string; content: unknown }>;
    };
    expect(second.messages[second.messages.length - 1]).toMatchObject({
      role: 'assistant',
      content: [{ type: 'text', text: 'One two three' }],
    });
  });

  it('starts an answer that failed its format check over, never continuing it', async () => {
    const l = await start([
      { name: 'full', targets: ['anthropic/claude-a', 'anthropic/claude-b'] },
    ]);
    fake.script('anthropic', 'claude-a', streamed('Not JSON at all.'));
    fake.script('anthropic', 'claude-b', streamed('{"ok": true}'));
    const asJson = job('Answer in JSON');
    const { id } = await l.ops.enqueue({
      ...asJson,
      request: { ...(asJson.request as object), response_format: { type: 'json_object' } },
      stream: true,
    });
    const events = await collect(await l.ops.events(id));
    expect(events.find((e) => e.type === 'restart')?.data).toMatchObject({ continues: false });
    expect(answerText(events)).toBe('{"ok": true}');
    expect(finalOf(events).output?.text).toBe('{"ok": true}');
    const second = fake.requests('anthropic', 'claude-b')[0]?.body as {
      messages: Array<{ role: string }>;
    };
    expect(second.messages.map((m) => m.role)).toEqual(['user']);
  });

  it('before any piece went out, a failing target leaves no trace in the answer', async () => {
    const l = await start([{ name: 'full', targets: ['openai/gpt-a', 'openai/gpt-b'] }]);
    fake.script('openai', 'gpt-a', down());
    fake.script('openai', 'gpt-b', streamed(TEXT));
    const { id } = await l.ops.enqueue(job('Count', { stream: true }));
    const events = await collect(await l.ops.events(id));
    expect(typesOf(events)).not.toContain('restart');
    expect(answerText(events)).toBe(TEXT);
    expect(finalOf(events).attempts[0]).not.toHaveProperty('sent_chars');
  });

  it('streams a static answer as one piece, after a restart when the levels above had sent some', async () => {
    const l = await start([
      { name: 'full', targets: ['openai/gpt-a'] },
      { name: 'static', serve: 'static', message: 'Service limited.' },
    ]);
    fake.script('openai', 'gpt-a', streamed(TEXT, { fault: cutAfter(1) }));
    const { id } = await l.ops.enqueue(job('Count', { stream: true }));
    const events = await collect(await l.ops.events(id));
    const restartAt = typesOf(events).indexOf('restart');
    expect(restartAt).toBeGreaterThan(0);
    expect(events.slice(restartAt + 1).filter((e) => e.type === 'delta')).toEqual([
      expect.objectContaining({ data: { text: 'Service limited.' } }),
    ]);
    expect(finalOf(events)).toMatchObject({
      source: 'static',
      output: { text: 'Service limited.' },
    });
  });

  it('reads the same events through LadderClient.stream over Redis', async () => {
    const l = await start([{ name: 'full', targets: ['google/gemini-a'] }]);
    fake.script('google', 'gemini-a', streamed(TEXT));
    const client = new LadderClient({ redis: l.config.redis.url, prefix: l.config.redis.prefix });
    try {
      const { id } = await client.enqueue(job('Count', { stream: true }));
      const events: string[] = [];
      let text = '';
      for await (const event of client.stream(id)) {
        events.push(event.type);
        if (event.type === 'delta' && 'text' in event.data) text += event.data.text;
      }
      expect(text).toBe(TEXT);
      expect(events[events.length - 1]).toBe('final');
    } finally {
      await client.close();
    }
  });
});
