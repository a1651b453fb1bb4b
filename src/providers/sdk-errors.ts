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
} from './failure.js';
import { isProviderError, type ProviderError } from './provider-error.js';
import { parseRetryAfter } from './retry-after.js';
import { readRateLimit } from './rate-limit.js';

export interface MapErrorArgs {
  ctx: FailureContext;
  error: unknown;
  timeoutMs: number;
  /** The caller's signal: when it fired, the failure is ours, not the provider's. */
  signal?: AbortSignal;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** What an SDK's APIError carries that the mapping reads. */
interface ApiErrorFields {
  status: number | undefined;
  headers: { get(name: string): string | null } | undefined;
  /** The parsed error body. */
  error: unknown;
  message: string;
}

/**
 * The error classes of an SDK generated the way the Anthropic and OpenAI ones are (the same
 * hierarchy under different names), and where its error body keeps the message. The classes are
 * passed in, not imported here, so that only the SDKs a process uses are loaded.
 */
export interface SdkErrorClasses {
  /** The SDK's base class: what remains of it is raised before any request (bad options, no key). */
  base: ErrorClass;
  api: ErrorClass;
  connection: ErrorClass;
  timeout: ErrorClass;
  userAbort: ErrorClass;
  /** The provider's message (with its code or type) from the parsed error body, if it has one. */
  bodyMessage(body: unknown): string | undefined;
}

/** Turns anything such an SDK throws into the one ProviderError. */
export function mapSdkError(
  classes: SdkErrorClasses,
  { ctx, error, timeoutMs, signal }: MapErrorArgs,
): ProviderError {
  if (isProviderError(error)) return error;
  if (signal?.aborted) return abortedFailure(ctx, error);
  // Subclass order matters: the timeout and abort errors extend the connection and API errors.
  if (error instanceof classes.timeout) return timeoutFailure(ctx, timeoutMs, error);
  if (error instanceof classes.userAbort) return abortedFailure(ctx, error);
  if (error instanceof classes.connection) {
    return connectionFailure(ctx, networkDetail(error.cause ?? error), error);
  }
  if (error instanceof classes.api) {
    const apiError = error as unknown as ApiErrorFields;
    if (typeof apiError.status === 'number') {
      return statusFailure(ctx, {
        status: apiError.status,
        message: classes.bodyMessage(apiError.error) ?? apiError.message,
        retryAfterMs: parseRetryAfter(apiError.headers),
        rateLimit: readRateLimit(apiError.headers),
        cause: error,
      });
    }
  }
  if (isJsonSyntaxError(error)) return malformedFailure(ctx, error.message, error);
  if (error instanceof classes.base) return misconfiguredFailure(ctx, error.message, error);
  return malformedFailure(ctx, errorText(error), error);
}

/** `message` (prefixed with `label` when that is a string too) of an object, if it has one. */
export function labelledMessage(value: unknown, label: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const fields = value as Record<string, unknown>;
  const message = fields.message;
  if (typeof message !== 'string') return undefined;
  const prefix = fields[label];
  return typeof prefix === 'string' ? `${prefix}: ${message}` : message;
}
