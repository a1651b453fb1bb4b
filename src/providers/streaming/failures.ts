import {
  abortedFailure,
  connectionFailure,
  isFetchNetworkError,
  malformedFailure,
  networkDetail,
  stalledFailure,
  type FailureContext,
} from '../failure.js';
import { isProviderError, type ProviderError } from '../provider-error.js';
import { isStreamStalled } from './watchdog.js';

/**
 * What failed while a stream was read, before the SDK's own mapping: a stall, the caller's abort,
 * a socket cut mid-body (fetch's `terminated`), or anything else the SDK mapper knows.
 */
export function mapStreamFailure(
  ctx: FailureContext,
  error: unknown,
  signal: AbortSignal | undefined,
  mapSdkError: (error: unknown) => ProviderError,
): ProviderError {
  if (isProviderError(error)) return error;
  if (isStreamStalled(error)) return stalledFailure(ctx, error.message, error);
  if (signal?.aborted) return abortedFailure(ctx, error);
  if (isFetchNetworkError(error)) return connectionFailure(ctx, networkDetail(error), error);
  if (error instanceof SyntaxError) {
    return malformedFailure(ctx, `stream event is not JSON: ${error.message}`, error);
  }
  return mapSdkError(error);
}

/** The stream ended without the provider's closing event: the answer is incomplete. */
export function endedEarly(ctx: FailureContext, signal: AbortSignal | undefined): ProviderError {
  if (signal?.aborted) return abortedFailure(ctx);
  return connectionFailure(ctx, 'the stream ended before the answer was complete');
}

/** Our own controller plus the caller's signal, for the SDK call. */
export function streamSignal(
  controller: AbortController,
  signal: AbortSignal | undefined,
): AbortSignal {
  return signal ? AbortSignal.any([controller.signal, signal]) : controller.signal;
}
