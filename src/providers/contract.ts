import type { CompletionRequest, ToolCall } from '../ladder/job-schema.js';
import type { RateLimitInfo } from './rate-limit.js';
import type { StreamArgs } from './streaming/types.js';

/** Unified stop reason; each provider's own value is kept beside it as `raw_stop_reason`. */
export type StopReason =
  'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'content_filter' | 'other';

export interface CompletionOutput {
  text: string;
  tool_calls: ToolCall[];
  stop_reason: StopReason;
  raw_stop_reason: string | null;
}

export interface Usage {
  /**
   * Every input token, cached ones included (adapters add Anthropic's cache reads and writes, which
   * its API counts apart), so cost = (input - cached) * input price + cached * cached-input price.
   */
  input_tokens: number;
  output_tokens: number;
  /** Input tokens served from the provider's prompt cache (billed at the cached-input price). */
  cached_input_tokens?: number;
}

export interface Completion {
  output: CompletionOutput;
  usage: Usage | null;
  /** The answer's rate-limit headers, for the quota scheduler; absent when none were sent. */
  rateLimit?: RateLimitInfo | null;
}

export interface CompleteArgs {
  model: string;
  request: CompletionRequest;
  /** Provider-call timeout for this call; the adapter turns expiry into a `timeout` ProviderError. */
  timeoutMs: number;
  /** Aborted on shutdown or when the job's deadline passes. */
  signal?: AbortSignal;
}

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
