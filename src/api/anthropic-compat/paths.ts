import { normalisePath } from '../auth-path.js';

/** Where the Anthropic-compatible endpoints live; their errors, 401 included, take Anthropic's shape. */
export const ANTHROPIC_COMPAT_PATHS = ['/v1/messages'] as const;

/** The header the Anthropic SDK sends its key in; it carries the ladder token on these paths. */
export const API_KEY_HEADER = 'x-api-key';

/**
 * Whether a request targets the Messages endpoints (count_tokens is below /v1/messages). Read
 * leniently: it chooses the error shape and whether `x-api-key` is read, never opens a path.
 */
export function isAnthropicCompatPath(url: string): boolean {
  const path = normalisePath(url);
  if (path === null) return false;
  return ANTHROPIC_COMPAT_PATHS.some((p) => path === p || path.startsWith(`${p}/`));
}
