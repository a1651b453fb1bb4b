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
    server.once('error', reject);
    server.listen(input.port, input.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
