import { normalisePath } from '../auth-path.js';

/**
 * Where the OpenAI-compatible endpoints live; their errors, 401 included, take OpenAI's shape.
 * `/v1/responses` is served from its own folder (responses-compat) and listed here for that shape.
 */
export const OPENAI_COMPAT_PATHS = ['/v1/chat/completions', '/v1/models', '/v1/responses'] as const;

/**
 * Whether a request targets the compat endpoints. Read leniently (decoded, case-folded): it only
 * chooses the shape of an error body, never whether a request is let through.
 */
export function isOpenAiCompatPath(url: string): boolean {
  const path = normalisePath(url);
  if (path === null) return false;
  return OPENAI_COMPAT_PATHS.some((p) => path === p || path.startsWith(`${p}/`));
}
