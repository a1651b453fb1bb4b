import { brokenJson, sampleJson } from '../../../src/providers/simulated/sample-json.js';
import type { Behaviour, FakeProviderName } from './behaviours.js';

/** What a structured answer holds: schema-valid JSON, text that is no JSON, or JSON off-schema. */
export type StructuredAnswer = 'valid' | 'not_json' | 'off_schema';

/** Answers the request's own structured-output form with JSON derived from its schema. */
export interface StructuredBehaviour {
  kind: 'structured';
  answer: StructuredAnswer;
  delayMs?: number;
}

export const structured = (answer: StructuredAnswer = 'valid'): Behaviour => ({
  kind: 'structured',
  answer,
});

type Json = Record<string, unknown>;
const obj = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;

/**
 * The structured-output form a request carried, read the way each provider's API reads it: OpenAI
 * `response_format`, Anthropic `output_config.format`, Gemini `generationConfig.responseMimeType`
 * and `responseJsonSchema`. `schema` is null for JSON without a schema; undefined when none.
 */
export function requestedFormat(
  provider: FakeProviderName,
  body: unknown,
): { schema: Json | null } | undefined {
  const request = obj(body) ?? {};
  switch (provider) {
    case 'openai': {
      const format = obj(request.response_format);
      if (format?.type === 'json_object') return { schema: null };
      if (format?.type === 'json_schema')
        return { schema: obj(obj(format.json_schema)?.schema) ?? null };
      return undefined;
    }
    case 'anthropic': {
      const format = obj(obj(request.output_config)?.format);
      return format?.type === 'json_schema' ? { schema: obj(format.schema) ?? null } : undefined;
    }
    case 'google': {
      const config = obj(request.generationConfig);
      if (config?.responseMimeType !== 'application/json') return undefined;
      return { schema: obj(config.responseJsonSchema) ?? null };
    }
  }
}

/** The text reply of a structured behaviour for this request. */
export function structuredText(
  provider: FakeProviderName,
  body: unknown,
  answer: StructuredAnswer,
): Behaviour {
  const format = requestedFormat(provider, body);
  const schema = format?.schema ?? null;
  const text =
    answer === 'not_json'
      ? 'Sure! Here is the JSON you asked for: {"city": "Par'
      : answer === 'off_schema'
        ? brokenJson(schema, 'fake')
        : JSON.stringify(schema ? sampleJson(schema, 'fake') : { answer: 'fake' });
  return { kind: 'text', text };
}
