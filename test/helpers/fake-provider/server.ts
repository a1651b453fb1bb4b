import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { anthropicWire } from './anthropic-wire.js';
import { replyOf, type Behaviour, type FakeProviderName } from './behaviours.js';
import { googleWire } from './google-wire.js';
import { parseJson, readBody, sendJson } from './http-util.js';
import { openaiWire } from './openai-wire.js';
import { FakeRateLimits, type RateLimitMode } from './rate-limit.js';
import { serveStream } from './stream-sender.js';
import { streamRequestOf } from './stream-wire.js';
import { structuredText } from './structured.js';
import type { WireFormat } from './wire-format.js';

export * from './behaviours.js';
export * from './stream-behaviour.js';
export { structured, requestedFormat, type StructuredAnswer } from './structured.js';
export { maxPerSecond, type RateLimitMode } from './rate-limit.js';

/** Matches every model in `setDefault`. */
export const ANY_MODEL = '*';

const WIRES: Record<FakeProviderName, WireFormat> = {
  anthropic: anthropicWire,
  openai: openaiWire,
  google: googleWire,
};

export interface RecordedRequest {
  provider: FakeProviderName;
  model: string;
  method: string;
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or the raw text when it was not JSON. */
  body: unknown;
  rawBody: string;
}

export interface FakeProvider {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** What to pass as each SDK's base URL (ProviderSettings.baseUrl). */
  readonly baseUrls: Record<FakeProviderName, string>;
  /** Appends behaviours to the (provider, model) queue; each call takes the next one. */
  script(provider: FakeProviderName, model: string, ...behaviours: Behaviour[]): void;
  /** What a call does once its queue is empty. `model` may be `*`. Built-in default: ok(). */
  setDefault(provider: FakeProviderName, model: string, behaviour: Behaviour): void;
  /** Calls received for (provider, model), whatever they answered. */
  calls(provider: FakeProviderName, model: string): number;
  /** Requests received, oldest first, optionally for one provider and model. */
  requests(provider?: FakeProviderName, model?: string): RecordedRequest[];
  /** Puts (provider, model) behind a provider-side rate limit (429 over it); null lifts it. */
  rateLimit(provider: FakeProviderName, model: string, mode: RateLimitMode | null): void;
  /** 429s the rate limit answered for (provider, model). */
  rateLimited(provider: FakeProviderName, model: string): number;
  /** Times (ms) of the calls the rate limit let through for (provider, model). */
  acceptedAt(provider: FakeProviderName, model: string): number[];
  /** Forgets scripts, defaults, counts and requests; pending hangs are cut. */
  reset(): void;
  /** Stops listening and destroys every open socket (hanging calls included). */
  close(): Promise<void>;
}

const key = (provider: string, model: string): string => `${provider}\u0000${model}`;

/**
 * A scriptable stand-in for the three providers' HTTP APIs on 127.0.0.1, so tests drive the real
 * SDKs. All control stays in the test process; worker child processes just call its URL.
 */
export async function startFakeProvider(): Promise<FakeProvider> {
  const queues = new Map<string, Behaviour[]>();
  const defaults = new Map<string, Behaviour>();
  const counts = new Map<string, number>();
  const recorded: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  let callNumber = 0;
  const limits = new FakeRateLimits();

  function nextBehaviour(provider: FakeProviderName, model: string): Behaviour {
    const queued = queues.get(key(provider, model))?.shift();
    return (
      queued ??
      defaults.get(key(provider, model)) ??
      defaults.get(key(provider, ANY_MODEL)) ?? { kind: 'text' }
    );
  }

  function hang(res: ServerResponse): void {
    hanging.add(res);
    res.on('close', () => hanging.delete(res));
  }

  function act(
    res: ServerResponse,
    wire: WireFormat,
    model: string,
    behaviour: Behaviour,
    extraHeaders: Record<string, string> = {},
  ): void {
    const reply = replyOf(behaviour, callNumber);
    if (reply) return sendJson(res, 200, wire.success(model, reply, callNumber), extraHeaders);
    switch (behaviour.kind) {
      case 'status': {
        const message = behaviour.message ?? `fake ${behaviour.status} error`;
        const retry = behaviour.retryAfterSeconds;
        const headers: Record<string, string> =
          retry !== undefined && wire.retryAfterHeader ? { 'retry-after': String(retry) } : {};
        return sendJson(
          res,
          behaviour.status,
          wire.error(behaviour.status, message, behaviour.errorType, retry),
          headers,
        );
      }
      case 'context_length':
        return sendJson(res, 400, wire.error(400, wire.contextLengthMessage, undefined));
      case 'down':
        return sendJson(
          res,
          503,
          wire.error(503, 'The service is temporarily unavailable (fake outage).', undefined),
        );
      case 'hang':
        hang(res);
        return;
      case 'reset':
        res.socket?.destroy();
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "truncated", "choices": [');
        return;
      default:
        return sendJson(res, 500, { error: `unhandled fake behaviour ${behaviour.kind}` });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const body = parseJson(rawBody);
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const streaming = streamRequestOf(method, path, body);
    for (const [provider, wire] of Object.entries(WIRES) as [FakeProviderName, WireFormat][]) {
      const model =
        wire.route(method, path, body) ??
        (streaming?.provider === provider ? streaming.model : null);
      if (model === null) continue;
      callNumber += 1;
      counts.set(key(provider, model), (counts.get(key(provider, model)) ?? 0) + 1);
      recorded.push({ provider, model, method, path, headers: { ...req.headers }, body, rawBody });
      const verdict = limits.check(key(provider, model), provider);
      if (verdict?.kind === 'limited') {
        const retry = verdict.retryAfterSeconds;
        return sendJson(res, 429, wire.error(429, 'Rate limit reached (fake).', undefined, retry), {
          ...verdict.headers,
          ...(wire.retryAfterHeader ? { 'retry-after': String(retry) } : {}),
        });
      }
      const passHeaders = verdict?.headers ?? {};
      const next = nextBehaviour(provider, model);
      // A structured answer is text derived from the schema this very request carried.
      const behaviour =
        next.kind === 'structured'
          ? { ...structuredText(provider, body, next.answer), delayMs: next.delayMs }
          : next;
      const n = callNumber;
      const answer = (): void => {
        if (
          streaming &&
          serveStream({ res, request: streaming, body, behaviour, callNumber: n, hang })
        )
          return;
        act(res, wire, model, behaviour, passHeaders);
      };
      const delayMs = behaviour.delayMs ?? 0;
      if (delayMs > 0) {
        setTimeout(() => {
          if (!res.destroyed) answer();
        }, delayMs);
      } else {
        answer();
      }
      return;
    }
    sendJson(res, 404, { error: { message: `fake provider: no route for ${method} ${path}` } });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseUrls: { anthropic: url, openai: `${url}/v1`, google: url },
    script(provider, model, ...behaviours) {
      const queue = queues.get(key(provider, model)) ?? [];
      queue.push(...behaviours);
      queues.set(key(provider, model), queue);
    },
    setDefault(provider, model, behaviour) {
      defaults.set(key(provider, model), behaviour);
    },
    calls: (provider, model) => counts.get(key(provider, model)) ?? 0,
    rateLimit: (provider, model, mode) => limits.set(key(provider, model), mode),
    rateLimited: (provider, model) => limits.limited(key(provider, model)),
    acceptedAt: (provider, model) => limits.accepted(key(provider, model)),
    requests: (provider, model) =>
      recorded.filter(
        (r) =>
          (provider === undefined || r.provider === provider) &&
          (model === undefined || r.model === model),
      ),
    reset() {
      queues.clear();
      defaults.clear();
      counts.clear();
      recorded.length = 0;
      limits.reset();
      for (const res of hanging) res.socket?.destroy();
      hanging.clear();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
