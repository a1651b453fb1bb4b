import type { CompletionRequest } from '../ladder/job-schema.js';

/** What one provider call is given; a stream call adds to it (streaming/types.ts). */
export interface CompleteArgs {
  model: string;
  request: CompletionRequest;
  /** Provider-call timeout for this call; the adapter turns expiry into a `timeout` ProviderError. */
  timeoutMs: number;
  /** Aborted on shutdown or when the job's deadline passes. */
  signal?: AbortSignal;
}
