import type OpenAI from 'openai';
import type { ResponseFormat } from '../../output/response-format.js';

type OpenAIFormat = OpenAI.Chat.Completions.ChatCompletionCreateParams['response_format'];

/** The job's `response_format` is OpenAI's own shape: passed through, `text` left out (the default). */
export function mapResponseFormat(format: ResponseFormat | undefined): OpenAIFormat | undefined {
  if (format === undefined || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  const { name, schema, strict, description } = format.json_schema;
  return {
    type: 'json_schema',
    json_schema: {
      name,
      schema,
      ...(strict === undefined ? {} : { strict }),
      ...(description === undefined ? {} : { description }),
    },
  };
}
