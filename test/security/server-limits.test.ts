import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeLadderOps } from '../api/fake-ops.js';
import { bearer, startApi, validJob, type RunningApi } from '../api/harness.js';

/** A raw connection that keeps everything the server sends and says when the server closed it. */
interface Raw {
  socket: Socket;
  received(): string;
  closed: Promise<void>;
}

function open(port: number): Promise<Raw> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect({ host: '127.0.0.1', port });
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    // A reset by the server is a close too; the assertions look at what was received.
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
    socket.once('error', reject);
  });
}

/** Sends one complete GET and resolves when its whole answer (Content-Length) has arrived. */
async function get(raw: Raw, path: string): Promise<string> {
  const before = raw.received().length;
  raw.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  for (;;) {
    const answer = raw.received().slice(before);
    const length = /content-length: (\d+)/i.exec(answer)?.[1];
    const head = answer.indexOf('\r\n\r\n');
    if (length !== undefined && head >= 0 && answer.length >= head + 4 + Number(length))
      return answer;
    await new Promise<void>((r) => raw.socket.once('data', () => r()));
  }
}

describe('security: the HTTP server does not wait forever for a client', () => {
  let api: RunningApi;
  const ops = new FakeLadderOps();
  beforeAll(async () => {
    api = await startApi({
      ops,
      config: {
        headersTimeoutMs: 300,
        requestTimeoutMs: 600,
        keepAliveTimeoutMs: 300,
        syncTimeoutMs: 1_500,
      },
    });
  });
  afterAll(async () => api.close());

  it('headers that never end: 408 and the connection closed (Node waits 60 s by default)', async () => {
    const raw = await open(api.port);
    raw.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n');
    await raw.closed;
    expect(raw.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a body that never arrives in full: 408 and the connection closed (Node: 300 s)', async () => {
    const raw = await open(api.port);
    const body = JSON.stringify(validJob());
    raw.socket.write(
      [
        'POST /v1/jobs HTTP/1.1',
        'Host: 127.0.0.1',
        `Authorization: ${bearer().Authorization}`,
        'Content-Type: application/json',
        `Content-Length: ${body.length}`,
        '',
        body.slice(0, 10),
      ].join('\r\n'),
    );
    await raw.closed;
    expect(raw.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('an idle kept-alive connection is closed after keep_alive_timeout_ms', async () => {
    const raw = await open(api.port);
    expect(await get(raw, '/healthz')).toMatch(/^HTTP\/1\.1 200 /);
    await raw.closed;
  });

  it('an answer may take longer than the request timeout: a sync wait is not cut', async () => {
    const { id } = await ops.enqueue(validJob());
    // Waits the whole sync_timeout_ms (1.5 s), well past the 600 ms request timeout.
    const answer = await fetch(`${api.url}/v1/jobs/${id}?wait=60`, { headers: bearer() });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ id, status: 'queued' });
  });
});

describe('security: the HTTP server caps its connections', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi({ ops: new FakeLadderOps(), config: { maxConnections: 2 } });
  });
  afterAll(async () => api.close());

  it('beyond max_connections a new connection is closed unanswered; the open ones still work', async () => {
    const first = await open(api.port);
    const second = await open(api.port);
    // Answered: the server has accepted both.
    expect(await get(first, '/healthz')).toMatch(/^HTTP\/1\.1 200 /);
    expect(await get(second, '/healthz')).toMatch(/^HTTP\/1\.1 200 /);

    const third = await open(api.port);
    third.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await third.closed;
    expect(third.received()).toBe('');

    expect(await get(first, '/healthz')).toMatch(/^HTTP\/1\.1 200 /);
    first.socket.destroy();
    second.socket.destroy();
    await Promise.all([first.closed, second.closed]);
    // Room again once they are gone.
    await expect
      .poll(async () => (await fetch(`${api.url}/healthz`).catch(() => null))?.status)
      .toBe(200);
  });
});
