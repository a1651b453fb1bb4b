import type { CompletionOutput, Usage } from '../ladder/output.js';
import type { RateLimitInfo } from './rate-limit.js';
import type { StreamArgs } from './streaming/types.js';

export type { StopReason } from '../ladder/literals.js';
export type { CompletionOutput, Usage } from '../ladder/output.js';

export interface Completion {
  output: CompletionOutput;
  usage: Usage | null;
  /** The answer's rate-limit headers, for the quota scheduler; absent when none were sent. */
  rateLimit?: RateLimitInfo | null;
}

import type { CompleteArgs } from './call-args.js';

export type { CompleteArgs };

/**
 * The one contract every provider implements: complete a normalised request, return a normalised
 * completion or throw a ProviderError. Adapters never retry: the ladder owns retries.
 */
export interface Provider {
  readonly name: string;
  complete(args: CompleteArgs): Promise<Completion>;
  /**
   * The same call through the provider's streaming API: every piece goes to `args.onDelta` as it
   * arrives, and the completion returned is exactly what the pieces add up to. Optional: the worker
   * falls back to `complete` (one piece at the end) for a provider without it.
   */
  stream?(args: StreamArgs): Promise<Completion>;
  /** True when a trailing assistant message is continued (prefill) rather than answered. */
  readonly continuesPrefill?: boolean;
}
