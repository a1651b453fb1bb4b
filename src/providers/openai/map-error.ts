import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  OpenAIError,
} from 'openai';
import {
  abortedFailure,
  connectionFailure,
  errorText,
  isJsonSyntaxError,
  malformedFailure,
  misconfiguredFailure,
  networkDetail,
  statusFailure,
  timeoutFailure,
  type FailureContext,
} from '../failure.js';
import { isProviderError, type ProviderError } from '../provider-error.js';
import { parseRetryAfter } from '../retry-after.js';
import { readRateLimit } from '../rate-limit.js';

export interface MapErrorArgs {
  ctx: FailureContext;
  error: unknown;
  timeoutMs: number;
  /** The caller's signal: when it fired, the failure is ours, not the provider's. */
  signal?: AbortSignal;
}

/** The SDK hands `body.error` as `error`; its `message` (and `code`) say what went wrong. */
function bodyMessage(error: APIError): string {
  const body: unknown = error.error;
  if (typeof body === 'object' && body !== null) {
    const { message, code } = body as { message?: unknown; code?: unknown };
    if (typeof message === 'string')
      return typeof code === 'string' ? `${code}: ${message}` : message;
  }
  return error.message;
}

/** Turns anything the OpenAI SDK throws into the one ProviderError. */
export function mapOpenAIError({ ctx, error, timeoutMs, signal }: MapErrorArgs): ProviderError {
  if (isProviderError(error)) return error;
  if (signal?.aborted) return abortedFailure(ctx, error);
  // Subclass order matters: the timeout and abort errors extend APIConnectionError / APIError.
  if (error instanceof APIConnectionTimeoutError) return timeoutFailure(ctx, timeoutMs, error);
  if (error instanceof APIUserAbortError) return abortedFailure(ctx, error);
  if (error instanceof APIConnectionError) {
    return connectionFailure(ctx, networkDetail(error.cause ?? error), error);
  }
  if (error instanceof APIError) {
    // instanceof narrows to APIError<any, any, any>; pin the SDK's declared defaults instead.
    const apiError = error as APIError;
    if (typeof apiError.status === 'number') {
      return statusFailure(ctx, {
        status: apiError.status,
        message: bodyMessage(apiError),
        retryAfterMs: parseRetryAfter(apiError.headers),
        rateLimit: readRateLimit(apiError.headers),
        cause: error,
      });
    }
  }
  if (isJsonSyntaxError(error)) return malformedFailure(ctx, error.message, error);
  // Remaining SDK errors are raised before any request: bad options or missing credentials.
  if (error instanceof OpenAIError) return misconfiguredFailure(ctx, error.message, error);
  return malformedFailure(ctx, errorText(error), error);
}
