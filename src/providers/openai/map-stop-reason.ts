import type { StopReason } from '../contract.js';

/** OpenAI `finish_reason` → unified; the raw value is kept beside it by the caller. */
export function mapOpenAIStopReason(raw: string | null | undefined): StopReason {
  switch (raw) {
    case 'stop':
      return 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'other';
  }
}
