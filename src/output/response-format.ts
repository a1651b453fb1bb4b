import { z } from 'zod';

/** A JSON schema is at most this many bytes of JSON (UTF-8): larger ones are refused at enqueue. */
export const MAX_SCHEMA_BYTES = 64 * 1024;

/** `json_schema.name` as OpenAI accepts it, so the OpenAI-compatible endpoint passes it through. */
const schemaName = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'json_schema.name is 1 to 64 letters, digits, _ or -');

export const jsonSchemaFormatSchema = z
  .object({
    name: schemaName,
    description: z.string().max(10_000).optional(),
    schema: z.record(z.string(), z.unknown()),
    /** Asks the provider to hold to the schema where it can (OpenAI strict mode). */
    strict: z.boolean().optional(),
  })
  .strict();

/**
 * What shape the answer must have, in OpenAI's `response_format` shape: prose (`text`), any JSON
 * object (`json_object`), or JSON valid against a schema (`json_schema`). Checked by the worker
 * before an answer counts (src/output/check-output.ts).
 */
export const responseFormatSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('text') }).strict(),
    z.object({ type: z.literal('json_object') }).strict(),
    z.object({ type: z.literal('json_schema'), json_schema: jsonSchemaFormatSchema }).strict(),
  ],
  { error: 'response_format.type is one of "text", "json_object", "json_schema"' },
);

export type ResponseFormat = z.infer<typeof responseFormatSchema>;
export type JsonSchemaFormat = z.infer<typeof jsonSchemaFormatSchema>;

/** True when the answer must be JSON (an object, or valid against a schema). */
export function wantsJson(format: ResponseFormat | undefined): boolean {
  return format !== undefined && format.type !== 'text';
}
