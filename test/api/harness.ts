import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Queue } from 'bullmq';
import { createApiApp } from '../../src/api/app.js';
import type { ApiAppOptions } from '../../src/api/types.js';
import type { ApiConfig } from '../../src/config/types.js';
import type { LadderOps } from '../../src/producer/ladder-ops.js';
import { listenHttp } from '../../src/server/listen.js';
import { createLogger } from '../../src/util/log.js';

export const TOKEN = 'test-token-5b0c1d';

export function apiConfig(overrides: Partial<ApiConfig> = {}): ApiConfig {
  return {
    port: 0,
    tokens: [TOKEN],
    maxBodyBytes: 64 * 1024,
    maxBatch: 5,
    maxQueueDepth: null,
    syncTimeoutMs: 2_000,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    keepAliveTimeoutMs: 5_000,
    maxConnections: 1024,
    ...overrides,
  };
}

export interface RunningApi {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The API over a real socket on a free port. */
export async function startApi(options: {
  ops: LadderOps;
  config?: Partial<ApiConfig>;
  queues?: readonly Queue[];
  readiness?: ApiAppOptions['readiness'];
  metrics?: ApiAppOptions['metrics'];
  /** Where the API logs; silent when absent. */
  logger?: ApiAppOptions['logger'];
}): Promise<RunningApi> {
  const config = apiConfig(options.config);
  const app = createApiApp({
    ops: options.ops,
    config,
    queues: options.queues ?? [],
    readiness: options.readiness ?? (async () => ({ ok: true })),
    metrics: options.metrics ?? (async () => '# HELP x test\n# TYPE x counter\nx 1\n'),
    logger: options.logger ?? createLogger('api-test', 'silent'),
  });
  // The server the ladder runs, with the configured timeouts and connection cap.
  const server = await listenHttp({ app, port: 0, host: '127.0.0.1', limits: config });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request whose path is sent byte for byte (fetch would normalise `..` and `//`). */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export const bearer = (token: string = TOKEN): Record<string, string> => ({
  Authorization: `Bearer ${token}`,
});

export function basic(password: string = TOKEN, user = 'admin'): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

export function validJob(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    request: { messages: [{ role: 'user', content: 'Summarise invoice 42' }], max_tokens: 64 },
    ...extra,
  };
}

/** A pino logger whose lines are parsed into `lines`, to check what the API logged. */
export function capturedLogs(): { lines: Record<string, unknown>[]; logger: Logger } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, sink) };
}
