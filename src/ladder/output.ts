import { z } from 'zod';
import { toolCallSchema } from './job-schema.js';
import { stopReasonSchema } from './literals.js';

const count = z.number().int().nonnegative();

export const usageSchema = z.object({
  /**
   * Every input token, cached ones included (adapters add Anthropic's cache reads and writes, which
   * its API counts apart), so cost = (input - cached) * input price + cached * cached-input price.
   */
  input_tokens: count,
  output_tokens: count,
  /** Input tokens served from the provider's prompt cache (billed at the cached-input price). */
  cached_input_tokens: count.optional(),
});

/** A completion in the provider-neutral shape: text, tool calls, and why it stopped. */
export const completionOutputSchema = z.object({
  text: z.string(),
  tool_calls: z.array(toolCallSchema),
  stop_reason: stopReasonSchema,
  raw_stop_reason: z.string().nullable(),
  /** The answer's JSON, when the request's `response_format` asked for JSON and it validated. */
  parsed: z.unknown().optional(),
});

export type Usage = z.infer<typeof usageSchema>;
export type CompletionOutput = z.infer<typeof completionOutputSchema>;
