import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  OpenAIError,
} from 'openai';
import type { ProviderError } from '../provider-error.js';
import { labelledMessage, mapSdkError, type MapErrorArgs } from '../sdk-errors.js';

const OPENAI_ERRORS = {
  base: OpenAIError,
  api: APIError,
  connection: APIConnectionError,
  timeout: APIConnectionTimeoutError,
  userAbort: APIUserAbortError,
  // The SDK hands `body.error` as `error`; its `message` (and `code`) say what went wrong.
  bodyMessage: (body: unknown) => labelledMessage(body, 'code'),
};

/** Turns anything the OpenAI SDK throws into the one ProviderError. */
export function mapOpenAIError(args: MapErrorArgs): ProviderError {
  return mapSdkError(OPENAI_ERRORS, args);
}
