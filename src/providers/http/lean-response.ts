import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';

/**
 * How fetch reports a failure, so the SDKs' and the ladder's classification see what they see
 * with the global fetch: the caller's abort reason as is, anything else as a TypeError whose
 * cause is the socket-level error (`fetch failed` before the answer, `terminated` during its body).
 */
export function fetchError(
  error: unknown,
  signal: AbortSignal | null | undefined,
  phase: 'fetch failed' | 'terminated',
): unknown {
  if (signal?.aborted) return signal.reason as unknown;
  return new TypeError(phase, { cause: error });
}

/** What undici's `request` answered: status, lower-cased headers, the body as a Node stream. */
export interface RawAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable & { text(): Promise<string>; arrayBuffer(): Promise<ArrayBuffer> };
}

/**
 * The part of a WHATWG Response the three SDKs read (status, ok, url, a real Headers, json(),
 * text(), arrayBuffer(), body), built over undici's Node stream: the non-streamed answer is read
 * without web streams, and `body` (a web stream) is made only when something asks for it. It
 * pulls nothing until it is read, so touching it (the Anthropic SDK does, for a finaliser) and
 * then calling json() still reads the Node stream directly.
 */
export class LeanResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: Headers;
  readonly redirected = false;
  readonly type = 'basic';
  private used = false;
  private stream: ReadableStream<Uint8Array> | null = null;

  constructor(
    readonly url: string,
    private readonly raw: RawAnswer,
    private readonly signal: AbortSignal | null | undefined,
  ) {
    this.status = raw.statusCode;
    // HTTP/1.1 reason phrases are the standard ones for every provider; undici does not hand them on.
    this.statusText = STATUS_CODES[raw.statusCode] ?? '';
    this.ok = raw.statusCode >= 200 && raw.statusCode < 300;
    const headers = new Headers();
    for (const name in raw.headers) {
      const value = raw.headers[name];
      if (typeof value === 'string') headers.append(name, value);
      else if (value !== undefined) for (const one of value) headers.append(name, one);
    }
    this.headers = headers;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  get body(): ReadableStream<Uint8Array> {
    this.stream ??= webStream(this.raw.body, this.signal, () => {
      this.used = true;
    });
    return this.stream;
  }

  async text(): Promise<string> {
    return this.read(() => this.raw.body.text());
  }

  async json(): Promise<unknown> {
    // JSON.parse, as fetch does: a body that is not JSON is a SyntaxError for the SDKs to see.
    return JSON.parse(await this.text()) as unknown;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.read(() => this.raw.body.arrayBuffer());
  }

  private async read<T>(consume: () => Promise<T>): Promise<T> {
    if (this.used) throw new TypeError('Body is unusable: Body has already been read');
    this.used = true;
    try {
      return await consume();
    } catch (error) {
      throw fetchError(error, this.signal, 'terminated');
    }
  }
}

/**
 * A web stream over the Node body for the SSE readers, with fetch's errors: a socket cut mid-body
 * is `TypeError: terminated`, the caller's abort its reason. Cancelling it drops the connection.
 */
function webStream(
  body: Readable,
  signal: AbortSignal | null | undefined,
  onFirstRead: () => void,
): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<Buffer> | null = null;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!iterator) {
          onFirstRead();
          iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
        }
        let next: IteratorResult<Buffer>;
        try {
          next = await iterator.next();
        } catch (error) {
          controller.error(fetchError(error, signal, 'terminated'));
          return;
        }
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      cancel() {
        body.destroy();
      },
    },
    // Nothing is pulled until a reader asks, so json()/text() can still read the Node stream.
    { highWaterMark: 0 },
  );
}
