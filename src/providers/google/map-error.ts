import { ApiError } from '@google/genai';
import {
  abortedFailure,
  connectionFailure,
  errorText,
  isFetchNetworkError,
  isJsonSyntaxError,
  malformedFailure,
  networkDetail,
  statusFailure,
  timeoutFailure,
  type FailureContext,
} from '../failure.js';
import { isProviderError, type ProviderError } from '../provider-error.js';

export interface MapErrorArgs {
  ctx: FailureContext;
  error: unknown;
  timeoutMs: number;
  /** The caller's signal: when it fired, the failure is ours, not the provider's. */
  signal?: AbortSignal;
}

interface GeminiErrorBody {
  message: string;
  retryAfterMs: number | null;
}

/** `retryDelay` is a protobuf Duration string such as "27s" or "1.5s". */
function parseDuration(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match?.[1] === undefined ? null : Math.round(Number(match[1]) * 1000);
}

/**
 * ApiError's message is the JSON error body: `{error:{code,message,status,details}}`. Gemini has no
 * Retry-After header; its 429s carry a google.rpc.RetryInfo detail instead.
 */
export function readGeminiErrorBody(text: string): GeminiErrorBody {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { message: text, retryAfterMs: null };
  }
  const inner =
    typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : null;
  if (typeof inner !== 'object' || inner === null) return { message: text, retryAfterMs: null };
  const { message, status, details } = inner as {
    message?: unknown;
    status?: unknown;
    details?: unknown;
  };
  let retryAfterMs: number | null = null;
  if (Array.isArray(details)) {
    for (const detail of details as unknown[]) {
      if (typeof detail !== 'object' || detail === null) continue;
      const delay = parseDuration((detail as { retryDelay?: unknown }).retryDelay);
      if (delay !== null) retryAfterMs = delay;
    }
  }
  const prefix = typeof status === 'string' ? `${status}: ` : '';
  return { message: `${prefix}${typeof message === 'string' ? message : text}`, retryAfterMs };
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/** Turns anything @google/genai throws into the one ProviderError. */
export function mapGoogleError({ ctx, error, timeoutMs, signal }: MapErrorArgs): ProviderError {
  if (isProviderError(error)) return error;
  if (signal?.aborted) return abortedFailure(ctx, error);
  // The SDK's own timer aborts the fetch: with the caller's signal quiet, an abort is the timeout.
  if (isAbortError(error)) return timeoutFailure(ctx, timeoutMs, error);
  if (error instanceof ApiError) {
    const body = readGeminiErrorBody(error.message);
    return statusFailure(ctx, {
      status: error.status,
      message: body.message,
      retryAfterMs: body.retryAfterMs,
      cause: error,
    });
  }
  if (isFetchNetworkError(error)) return connectionFailure(ctx, networkDetail(error), error);
  if (isJsonSyntaxError(error)) return malformedFailure(ctx, error.message, error);
  return malformedFailure(ctx, errorText(error), error);
}
