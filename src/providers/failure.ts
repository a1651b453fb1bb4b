import { classifyStatus, ProviderError, type ErrorKind } from './provider-error.js';
import type { RateLimitInfo } from './rate-limit.js';

/** Who failed: every ProviderError names the provider and model, and never carries the key. */
export interface FailureContext {
  provider: string;
  model: string;
  /** Scrubbed from every message: some SDKs echo request details into error text. */
  apiKey?: string;
}

/** Removes the API key from text that may end up in results, logs or metrics. */
export function scrubSecret(text: string, apiKey: string | undefined): string {
  if (!apiKey || apiKey.length < 4) return text;
  return text.split(apiKey).join('[redacted]');
}

function label(ctx: FailureContext): string {
  return `${ctx.provider}/${ctx.model}`;
}

export interface StatusFailure {
  status: number;
  /** The provider's own message (from the error body when there is one). */
  message: string;
  retryAfterMs?: number | null;
  rateLimit?: RateLimitInfo | null;
  cause?: unknown;
}

/** An HTTP error answer, classified by status and wording (prompt too long → context_length). */
export function statusFailure(ctx: FailureContext, failure: StatusFailure): ProviderError {
  const message = scrubSecret(failure.message, ctx.apiKey);
  return new ProviderError({
    provider: ctx.provider,
    model: ctx.model,
    message: `${label(ctx)}: ${failure.status} ${message}`,
    errorClass: classifyStatus(failure.status, message),
    kind: 'status',
    status: failure.status,
    retryAfterMs: failure.retryAfterMs ?? null,
    rateLimit: failure.rateLimit ?? null,
    cause: failure.cause,
  });
}

/** A failure with no HTTP status: `text` (scrubbed of the key) after the target's label. */
function failure(
  ctx: FailureContext,
  text: string,
  errorClass: 'transient' | 'misconfigured',
  kind: ErrorKind,
  cause: unknown,
): ProviderError {
  return new ProviderError({
    provider: ctx.provider,
    model: ctx.model,
    message: `${label(ctx)}: ${scrubSecret(text, ctx.apiKey)}`,
    errorClass,
    kind,
    cause,
  });
}

export function timeoutFailure(
  ctx: FailureContext,
  timeoutMs: number,
  cause?: unknown,
): ProviderError {
  return failure(ctx, `no answer within ${timeoutMs} ms`, 'transient', 'timeout', cause);
}

/** A stream that stopped mid-answer: transient and of kind `timeout`, so `on_error: [timeout]` retries it. */
export function stalledFailure(
  ctx: FailureContext,
  detail: string,
  cause?: unknown,
): ProviderError {
  return failure(ctx, detail, 'transient', 'timeout', cause);
}

/**
 * The caller's signal fired (shutdown, job deadline). Transient so the job may run elsewhere, but
 * its own kind so the breaker does not blame the provider for our impatience.
 */
export function abortedFailure(ctx: FailureContext, cause?: unknown): ProviderError {
  return failure(ctx, 'call aborted by the caller', 'transient', 'aborted', cause);
}

export function connectionFailure(
  ctx: FailureContext,
  detail: string,
  cause?: unknown,
): ProviderError {
  return failure(ctx, `connection failed: ${detail}`, 'transient', 'connection', cause);
}

/** The provider answered 2xx with something we cannot use: transient (README, "Error classes"). */
export function malformedFailure(
  ctx: FailureContext,
  detail: string,
  cause?: unknown,
): ProviderError {
  return failure(ctx, `malformed response: ${detail}`, 'transient', 'malformed', cause);
}

/** A local set-up problem (no key, SDK refused its options): no call can succeed until fixed. */
export function misconfiguredFailure(
  ctx: FailureContext,
  detail: string,
  cause?: unknown,
): ProviderError {
  return failure(ctx, detail, 'misconfigured', 'status', cause);
}

/** `SyntaxError` from `response.json()` is how all three SDKs report a body that is not JSON. */
export function isJsonSyntaxError(error: unknown): error is SyntaxError {
  return error instanceof SyntaxError;
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Fetch reports refused/reset sockets as `TypeError: fetch failed` with the socket error as cause. */
export function isFetchNetworkError(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    /fetch failed|network|socket|ECONN|terminated/i.test(error.message)
  );
}

/** Names the socket-level reason (ECONNRESET, ECONNREFUSED, ...) buried in a fetch error's causes. */
export function networkDetail(error: unknown): string {
  let current: unknown = error;
  let found: string | null = null;
  // The innermost code is the most specific (undici's SocketError wraps ECONNRESET and so on).
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z_]+$/.test(code))
      found = `${code} (${current.message})`;
    current = current.cause;
  }
  if (found !== null) return found;
  return errorText(error);
}
