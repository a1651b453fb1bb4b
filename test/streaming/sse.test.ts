import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LadderClient } from '../../src/producer/ladder-client.js';
import { isBadEventIdError, isUnknownJobError } from '../../src/streaming/errors.js';
import type { JobEvent } from '../../src/streaming/events.js';
import {
  cutAfter,
  startFakeProvider,
  stallAfter,
  streamed,
  type FakeProvider,
} from '../helpers/fake-provider/server.js';
import { job } from '../helpers/ladder.js';
import { startRunningLadder, TOKEN, type RunningLadder } from '../openai-compat/running-ladder.js';
import { answerText, collect, finalOf, gate, typesOf } from './events.js';

let fake: FakeProvider;
let running: RunningLadder | undefined;
let client: LadderClient | undefined;

beforeAll(async () => {
  fake = await startFakeProvider();
});
afterEach(async () => {
  await client?.close();
  await running?.close();
  client = undefined;
  running = undefined;
  fake.reset();
});
afterAll(async () => {
  await fake.close();
});

const TEXT = 'Alpha beta gamma delta epsilon zeta eta theta.';

async function start(): Promise<{ running: RunningLadder; client: LadderClient }> {
  running = await startRunningLadder(
    fake,
    {},
    {
      levels: [
        { name: 'full', targets: ['anthropic/claude-a', 'openai/gpt-b'] },
        { name: 'static', serve: 'static', message: 'Service limited.' },
      ],
      fallback: { max_retries: 0, stream_idle_ms: 150 },
    },
  );
  client = new LadderClient({ url: running.url, token: TOKEN });
  return { running, client };
}

async function sse(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { headers: { Authorization: `Bearer ${TOKEN}`, ...headers } });
}

describe('GET /v1/jobs/{id}/events', () => {
  it('sends each event with an id, the first piece before the provider has finished', async () => {
    const { running, client } = await start();
    const held = gate();
    fake.script(
      'anthropic',
      'claude-a',
      streamed(TEXT, { hold: { afterChunks: 1, until: held.until } }),
    );
    const { id } = await client.enqueue(job('Greek', { stream: true }));
    const response = await sse(`${running.url}/v1/jobs/${id}/events`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const reader: ReadableStreamDefaultReader<Uint8Array> = response.body!.getReader();
    let text = '';
    // The provider holds its answer after one piece until this reader has seen that piece.
    while (!text.includes('event: delta')) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended early');
      text += new TextDecoder().decode(value);
    }
    expect(text).toMatch(/^id: \d+-\d+\nevent: delta\ndata: \{"text":"Alpha "\}\n\n/);
    expect((await client.get(id))?.status).toBe('active');
    held.open();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const blocks = text.trim().split('\n\n');
    expect(
      blocks.every((b) => /^id: \S+\nevent: (delta|attempt|restart|final)\ndata: /.test(b)),
    ).toBe(true);
    expect(blocks[blocks.length - 1]).toMatch(/^id: .*\nevent: final\n/);
  });

  it('resumes after a dropped connection from Last-Event-ID: nothing lost, nothing twice', async () => {
    const { client } = await start();
    fake.script('anthropic', 'claude-a', streamed(TEXT, { chunkDelayMs: 5 }));
    const { id } = await client.enqueue(job('Greek', { stream: true }));
    const dropped = new AbortController();
    const before: JobEvent[] = [];
    for await (const event of client.stream(id, { signal: dropped.signal })) {
      before.push(event);
      if (before.length === 3) dropped.abort();
    }
    expect(before).toHaveLength(3);
    const after = await collect(client.stream(id, { lastEventId: before[2]!.id }));
    const replay = await collect(client.stream(id));
    expect([...before, ...after].map((e) => e.id)).toEqual(replay.map((e) => e.id));
    expect(answerText(replay)).toBe(TEXT);
    expect(finalOf(replay).output?.text).toBe(TEXT);
  });

  it('replays a finished job and answers 404 for an unknown one, 400 naming a bad Last-Event-ID', async () => {
    const { running, client } = await start();
    fake.script('anthropic', 'claude-a', streamed(TEXT));
    const { id } = await client.enqueue(job('Greek', { stream: true }));
    await client.result(id, { timeoutMs: 10_000 });
    const replay = await collect(client.stream(id));
    expect(typesOf(replay).slice(-2)).toEqual(['attempt', 'final']);

    const unknown = await sse(`${running.url}/v1/jobs/no-such-job/events`);
    expect(unknown.status).toBe(404);
    const bad = await sse(`${running.url}/v1/jobs/${id}/events`, { 'Last-Event-ID': '17-bogus' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(
      '17-bogus',
    );
    const notOurs = await sse(`${running.url}/v1/jobs/${id}/events`, { 'Last-Event-ID': '1-0' });
    expect(notOurs.status).toBe(400);
    await expect(collect(client.stream('no-such-job'))).rejects.toSatisfy(isUnknownJobError);
    await expect(collect(client.stream(id, { lastEventId: 'nope' }))).rejects.toSatisfy(
      isBadEventIdError,
    );
  });

  it.each([
    ['cut', cutAfter(2)],
    ['stall', stallAfter(2)],
  ] as const)(
    'after a %s mid-answer a native reader gets restart and the completed answer',
    async (_name, fault) => {
      const { client } = await start();
      fake.script('anthropic', 'claude-a', streamed(TEXT, { fault }));
      fake.script('openai', 'gpt-b', streamed('From the second target.'));
      const { id } = await client.enqueue(job('Greek', { stream: true }));
      const events = await collect(client.stream(id));
      expect(typesOf(events)).toContain('restart');
      expect(finalOf(events)).toMatchObject({ status: 'completed', model: 'gpt-b' });
      expect(answerText(events)).toBe(finalOf(events).output?.text);
    },
  );

  it('a reader that goes away does not stop the job', async () => {
    const { running, client } = await start();
    const held = gate();
    fake.script(
      'anthropic',
      'claude-a',
      streamed(TEXT, { hold: { afterChunks: 1, until: held.until } }),
    );
    const { id } = await client.enqueue(job('Greek', { stream: true }));
    const gone = new AbortController();
    const response = await fetch(`${running.url}/v1/jobs/${id}/events`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
      signal: gone.signal,
    });
    await response.body!.getReader().read();
    gone.abort();
    held.open();
    expect(await client.result(id, { timeoutMs: 10_000 })).toMatchObject({
      status: 'completed',
      output: { text: TEXT },
    });
  });

  it('carries 200 concurrent streams to the end, every one complete', async () => {
    const { client } = await start();
    fake.setDefault('anthropic', 'claude-a', streamed('one two three four five'));
    const jobs = Array.from({ length: 200 }, (_, i) => job(`n${i}`, { stream: true }));
    const answers = await client.enqueueMany(jobs);
    const streams = await Promise.all(answers.map((a) => collect(client.stream(a.id))));
    for (const events of streams) {
      expect(answerText(events)).toBe('one two three four five');
      expect(finalOf(events).status).toBe('completed');
    }
  });
});
