import type { CompletionRequest } from '../ladder/job-schema.js';

/** Output tokens assumed for a request that sets no max_tokens. */
export const DEFAULT_OUTPUT_TOKENS = 1024;

/**
 * Tokens a call will use, before it is made: input at about four characters a token (the usual
 * rule of thumb for English; the reported usage corrects the count after the call) plus the most
 * the answer may take. Providers count `max_tokens` against a tokens-per-minute limit up front too.
 */
export function estimateTokens(request: CompletionRequest): number {
  return estimateInputTokens(request) + (request.max_tokens ?? DEFAULT_OUTPUT_TOKENS);
}

/** The input part of `estimateTokens`: about four characters a token. */
export function estimateInputTokens(request: CompletionRequest): number {
  let chars = request.system?.length ?? 0;
  for (const message of request.messages) {
    chars += message.content?.length ?? 0;
    if (message.role === 'assistant')
      for (const call of message.tool_calls ?? []) chars += JSON.stringify(call.arguments).length;
  }
  for (const tool of request.tools ?? [])
    chars +=
      tool.name.length + (tool.description?.length ?? 0) + JSON.stringify(tool.input_schema).length;
  return Math.ceil(chars / 4);
}
