import type Anthropic from '@anthropic-ai/sdk';
import type { ResponseFormat } from '../../output/response-format.js';

/** Said to the model when any JSON object will do: Anthropic has no schema-free JSON mode. */
export const JSON_OBJECT_INSTRUCTION = 'Answer with one JSON object and nothing else.';

/**
 * Anthropic's structured output (`output_config.format`, a JSON schema) for `json_schema`; for
 * `json_object` an instruction added to the system prompt, since a format needs a schema. Either
 * way the worker checks the answer.
 */
export function mapResponseFormat(format: ResponseFormat | undefined): {
  outputConfig?: Anthropic.Messages.OutputConfig;
  systemSuffix?: string;
} {
  if (format === undefined || format.type === 'text') return {};
  if (format.type === 'json_object') return { systemSuffix: JSON_OBJECT_INSTRUCTION };
  return { outputConfig: { format: { type: 'json_schema', schema: format.json_schema.schema } } };
}
