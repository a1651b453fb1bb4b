import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listenHttp } from '../../src/server/listen.js';

const LIMITS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 16,
};

const open: Server[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => new Promise((done) => s.close(done))));
});

describe('listenHttp', () => {
  it('a taken port says so and names the ways to pick another', async () => {
    const taken = createServer();
    open.push(taken);
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    const address = taken.address();
    if (address === null || typeof address === 'string') throw new Error('no port');

    const failure = listenHttp({
      app: () => undefined,
      port: address.port,
      host: '127.0.0.1',
      limits: LIMITS,
    });
    const error = await failure.then(
      () => null,
      (e: unknown) => e as NodeJS.ErrnoException,
    );
    expect(error?.code).toBe('EADDRINUSE');
    expect(error?.message).toContain(`127.0.0.1:${address.port} is already in use`);
    expect(error?.message).toContain('--port, PORT or api.port');
  });
});
