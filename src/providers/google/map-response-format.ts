import type { GenerateContentConfig } from '@google/genai';
import type { ResponseFormat } from '../../output/response-format.js';

/**
 * Gemini's JSON mode: `responseMimeType: application/json`, with the job's schema as
 * `responseJsonSchema` (plain JSON Schema; the older `responseSchema` takes Gemini's own subset).
 */
export function mapResponseFormat(
  format: ResponseFormat | undefined,
): Pick<GenerateContentConfig, 'responseMimeType' | 'responseJsonSchema'> {
  if (format === undefined || format.type === 'text') return {};
  if (format.type === 'json_object') return { responseMimeType: 'application/json' };
  return { responseMimeType: 'application/json', responseJsonSchema: format.json_schema.schema };
}
