import {
  AnthropicError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import type { ProviderError } from '../provider-error.js';
import { labelledMessage, mapSdkError, type MapErrorArgs } from '../sdk-errors.js';

const ANTHROPIC_ERRORS = {
  base: AnthropicError,
  api: APIError,
  connection: APIConnectionError,
  timeout: APIConnectionTimeoutError,
  userAbort: APIUserAbortError,
  // The SDK keeps the whole `{type: 'error', error: {type, message}}` body; the message is inside.
  bodyMessage: (body: unknown) =>
    typeof body === 'object' && body !== null
      ? labelledMessage((body as { error?: unknown }).error, 'type')
      : undefined,
};

/** Turns anything the Anthropic SDK throws into the one ProviderError. */
export function mapAnthropicError(args: MapErrorArgs): ProviderError {
  return mapSdkError(ANTHROPIC_ERRORS, args);
}
