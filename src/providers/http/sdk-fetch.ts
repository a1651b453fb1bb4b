import { Agent, request, type Dispatcher } from 'undici';
import type { ProviderSettings } from '../../config/types.js';
import { fetchError, LeanResponse, type RawAnswer } from './lean-response.js';

/** The `fetch` option the three SDKs take. */
export type SdkFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface SdkFetchOptions {
  /**
   * Turn off undici's own 300 s header and body timeouts, as @google/genai does for the global
   * fetch (it bounds a call with its own abort timer instead, the body included).
   */
  noUndiciTimeouts?: boolean;
}

/** Headers as undici takes them: a flat [name, value, ...] list, so repeated names stay apart. */
function flatHeaders(headers: RequestInit['headers']): string[] {
  const flat: string[] = [];
  if (headers === undefined) return flat;
  const entries =
    headers instanceof Headers || Array.isArray(headers) ? headers : Object.entries(headers);
  for (const [name, value] of entries) {
    if (name === undefined || value === undefined) continue;
    if (typeof value === 'string') flat.push(name, value);
    else for (const one of value) flat.push(name, one);
  }
  return flat;
}

/**
 * A fetch for the provider SDKs built on `undici.request`: Node 20's WHATWG fetch wraps every
 * request and answer in web streams and spec objects, which cost the worker about 1 ms of CPU per
 * call (docs/performance.md, "The provider call's HTTP client"). The answer is a LeanResponse
 * (the members the SDKs read, a web `body` made only for streamed answers). Whatever this does not
 * handle the same way, it hands to the global fetch: a Request object, a body that is not a string
 * (uploads, streams), a caller-set Accept-Encoding (fetch would decompress).
 *
 * Differences kept on purpose: redirects are not followed (provider APIs do not redirect; a 3xx is
 * an error answer), nor is the answer decompressed (no Accept-Encoding is sent, so none comes).
 */
export function makeSdkFetch(options: SdkFetchOptions = {}): SdkFetch {
  // One pool per SDK client, as the global fetch keeps one per origin: keep-alive, HTTP/1.1.
  const dispatcher = new Agent(
    options.noUndiciTimeouts ? { headersTimeout: 0, bodyTimeout: 0 } : {},
  );
  return async (input, init = {}) => {
    const { body, signal } = init;
    const headers = flatHeaders(init.headers);
    if (
      input instanceof Request ||
      (body !== undefined && body !== null && typeof body !== 'string') ||
      headers.some((value, i) => i % 2 === 0 && value.toLowerCase() === 'accept-encoding')
    ) {
      return fetch(input, init);
    }
    const url = String(input);
    // As fetch does: an already aborted call rejects with the signal's reason, sending nothing.
    if (signal?.aborted) throw signal.reason;
    let raw: RawAnswer;
    try {
      raw = await request(url, {
        dispatcher,
        method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
        headers,
        body: body ?? null,
        signal: signal ?? null,
      });
    } catch (error) {
      throw fetchError(error, signal, 'fetch failed');
    }
    return new LeanResponse(url, raw, signal) as unknown as Response;
  };
}

/**
 * The `fetch` option of one SDK client: ours, or undefined (the SDK's own global fetch) when the
 * provider block says `http_client: fetch`.
 */
export function sdkFetchFor(
  settings: Pick<ProviderSettings, 'httpClient'>,
  options: SdkFetchOptions = {},
): SdkFetch | undefined {
  return settings.httpClient === 'fetch' ? undefined : makeSdkFetch(options);
}
