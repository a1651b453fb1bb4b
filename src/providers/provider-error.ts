import type { ErrorClass } from '../ladder/literals.js';
import type { RateLimitInfo } from './rate-limit.js';

export type { ErrorClass } from '../ladder/literals.js';

/** Finer than the class: what `fallback.on_error` matches besides status codes. */
export type ErrorKind = 'status' | 'timeout' | 'connection' | 'malformed' | 'aborted';

export interface ProviderErrorInit {
  provider: string;
  model: string;
  message: string;
  errorClass: ErrorClass;
  kind: ErrorKind;
  status?: number | null;
  retryAfterMs?: number | null;
  /** What the answer's rate-limit headers said (429s above all); null when it had none. */
  rateLimit?: RateLimitInfo | null;
  cause?: unknown;
}

/** The single error type every adapter throws. Messages never carry API keys. */
export class ProviderError extends Error {
  readonly isProviderError = true;
  readonly provider: string;
  readonly model: string;
  readonly errorClass: ErrorClass;
  readonly kind: ErrorKind;
  readonly status: number | null;
  readonly retryAfterMs: number | null;
  readonly rateLimit: RateLimitInfo | null;

  constructor(init: ProviderErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ProviderError';
    this.provider = init.provider;
    this.model = init.model;
    this.errorClass = init.errorClass;
    this.kind = init.kind;
    this.status = init.status ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.rateLimit = init.rateLimit ?? null;
  }
}

export function isProviderError(error: unknown): error is ProviderError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { isProviderError?: unknown }).isProviderError === true
  );
}

/** Prompt-too-long wording used by Anthropic, OpenAI and Gemini in their 400/413 bodies. */
const CONTEXT_LENGTH =
  /(prompt is too long|context[_ ]length|maximum context|too many tokens|input token count|exceeds the (maximum|context)|context window|reduce the length)/i;

/** Classifies an HTTP status (and the provider's message) into an error class. */
export function classifyStatus(status: number, message: string): ErrorClass {
  if (status === 400 || status === 413) {
    return CONTEXT_LENGTH.test(message) ? 'context_length' : 'caller';
  }
  if (status === 401 || status === 403 || status === 404) return 'misconfigured';
  if (status === 408 || status === 409 || status === 429 || status >= 500) return 'transient';
  if (status === 422) return 'caller';
  if (status >= 400 && status < 500) return 'caller';
  return 'transient';
}
