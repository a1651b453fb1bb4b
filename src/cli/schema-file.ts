import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { ResponseFormat } from '../output/response-format.js';
import { CliError } from './context.js';

/** `order.schema.json` → `order_schema`: OpenAI's rule for names (letters, digits, _ and -). */
function nameOf(path: string): string {
  const stem = basename(path, extname(path))
    .replace(/[^a-zA-Z0-9_-]/g, '_')
    .slice(0, 64);
  return stem === '' ? 'schema' : stem;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The `response_format` for `ladder enqueue --schema FILE`: the file holds a JSON Schema (named
 * after the file), or an OpenAI `json_schema` object (`{name, schema, strict}`) used as it is. The
 * schema itself is checked with the job, which names any problem in it.
 */
export async function responseFormatFromFile(path: string): Promise<ResponseFormat> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`--schema ${path}: cannot read the file (${(error as Error).message})`, 2);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`--schema ${path}: not JSON (${(error as Error).message})`, 2);
  }
  if (!isObject(value)) throw new CliError(`--schema ${path}: expected a JSON Schema object`, 2);
  if (typeof value.name === 'string' && isObject(value.schema))
    return {
      type: 'json_schema',
      json_schema: value as { name: string; schema: Record<string, unknown> },
    };
  return { type: 'json_schema', json_schema: { name: nameOf(path), schema: value } };
}
