import type { OnErrorEntry } from '../config/types.js';
import type { ProviderError } from '../providers/provider-error.js';

/** Whether `fallback.on_error` lists this failure, i.e. it is retried on the same target. */
export function listedInOnError(error: ProviderError, onError: readonly OnErrorEntry[]): boolean {
  if (error.errorClass !== 'transient') return false;
  if (error.kind === 'timeout') return onError.includes('timeout');
  if (error.kind === 'connection') return onError.includes('connection');
  if (error.status !== null) return onError.includes(error.status);
  return false;
}
