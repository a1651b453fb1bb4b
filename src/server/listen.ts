import { createServer, type RequestListener, type Server } from 'node:http';
import type { ApiConfig } from '../config/types.js';

export type ServerLimits = Pick<
  ApiConfig,
  'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs' | 'maxConnections'
>;

/**
 * Node checks the two request timeouts only every `connectionsCheckingInterval` (30 s by default),
 * so a 10 s headers timeout would really be 10–40 s; checking every second (or at half the headers
 * timeout, when that is shorter) keeps them close to what is configured.
 */
function checkingIntervalMs(limits: ServerLimits): number {
  return Math.max(10, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 2)));
}

/**
 * An HTTP server with explicit limits instead of Node's defaults: headers within
 * `headersTimeoutMs` and the whole request within `requestTimeoutMs` (both answer 408 and close,
 * against clients that trickle bytes to hold sockets), idle kept-alive sockets closed after
 * `keepAliveTimeoutMs`, and at most `maxConnections` open at once (more are closed on arrival).
 * The answer may take longer than the request timeout: it covers receiving the request only, so
 * sync waits and event streams are not cut.
 */
export function listenHttp(input: {
  app: RequestListener;
  port: number;
  host: string;
  limits: ServerLimits;
}): Promise<Server> {
  const { limits } = input;
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: checkingIntervalMs(limits),
    },
    input.app,
  );
  server.maxConnections = limits.maxConnections;
  return new Promise<Server>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(listenError(error, input));
    server.once('error', failed);
    server.listen(input.port, input.host, () => {
      server.off('error', failed);
      resolve(server);
    });
  });
}

/**
 * A taken port is the usual first-run stumble (the demo still running when `ladder start` begins),
 * and Node's "listen EADDRINUSE" names neither the cause nor the way out.
 */
function listenError(
  error: NodeJS.ErrnoException,
  at: { port: number; host: string },
): NodeJS.ErrnoException {
  if (error.code !== 'EADDRINUSE') return error;
  const clear: NodeJS.ErrnoException = new Error(
    `${at.host}:${at.port} is already in use (another ladder or the demo may be running there): ` +
      'stop it, or choose another port with --port, PORT or api.port',
    { cause: error },
  );
  clear.code = error.code;
  return clear;
}
