import type { StopReason } from '../contract.js';

const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/**
 * Gemini `finishReason` → unified. Gemini says STOP even when it made function calls, so the
 * calls decide `tool_use`.
 */
export function mapGeminiStopReason(
  raw: string | null | undefined,
  hasToolCalls: boolean,
): StopReason {
  if (raw === 'STOP' || raw === 'FINISH_REASON_UNSPECIFIED' || raw === null || raw === undefined) {
    if (hasToolCalls) return 'tool_use';
    return raw === 'STOP' ? 'end_turn' : 'other';
  }
  if (raw === 'MAX_TOKENS') return 'max_tokens';
  if (FILTERED.has(raw)) return 'content_filter';
  return 'other';
}
