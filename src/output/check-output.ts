import type { ErrorObject } from 'ajv';
import type { CompletionOutput } from '../ladder/output.js';
import { schemaCompiler, type SchemaCompiler } from './compiler.js';
import type { StructuredAsk } from './request-checks.js';

export type OutputCheck =
  /**
   * `parsed` is the answer's JSON when the request asked for JSON, and `json` its text without the
   * code fence a model may have put around it (clients parse the text too).
   */
  | { ok: true; parsed?: unknown; json?: string }
  /** What is wrong, short: the validator's first error, never the whole answer. */
  | { ok: false; message: string };

/** Errors quoted in an attempt: enough to see what the model got wrong. */
const MAX_ERRORS_QUOTED = 3;

/** Models often wrap JSON in a Markdown code fence even when told not to; the fence is no data. */
const FENCED = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/;

function parseJson(
  text: string,
): { ok: true; value: unknown; json: string } | { ok: false; message: string } {
  const trimmed = text.trim();
  const body = FENCED.exec(trimmed)?.[1] ?? trimmed;
  if (body === '') return { ok: false, message: 'the answer is empty, not JSON' };
  try {
    return { ok: true, value: JSON.parse(body) as unknown, json: body };
  } catch (error) {
    return { ok: false, message: `the answer is not JSON: ${(error as Error).message}` };
  }
}

/** Ajv's errors as `/items/0/price must be number`, the first few only. */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined): string {
  const list = (errors ?? []).slice(0, MAX_ERRORS_QUOTED).map((e) => {
    const where = e.instancePath === '' ? '(root)' : e.instancePath;
    const extra =
      e.keyword === 'additionalProperties'
        ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})`
        : '';
    return `${where} ${e.message ?? 'is invalid'}${extra}`;
  });
  return list.length === 0 ? 'does not match the schema' : list.join('; ');
}

const isObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function checkToolCalls(
  ask: StructuredAsk,
  output: CompletionOutput,
  compiler: SchemaCompiler,
): string | null {
  const tools = ask.tools ?? [];
  for (const call of output.tool_calls) {
    const tool = tools.find((t) => t.name === call.name);
    // A call to a tool the job did not declare is the caller's to judge; nothing to check against.
    if (!tool) continue;
    const compiled = compiler.compile(tool.input_schema);
    // Checked at enqueue; a schema that no longer compiles here says nothing about the model.
    if (!compiled.ok) continue;
    if (!compiled.validate(call.arguments))
      return `tool call ${call.name} (${call.id}): arguments ${describeErrors(compiled.validate.errors)}`;
  }
  return null;
}

/**
 * Whether an answer is what the request asked for: every tool call's arguments valid against its
 * tool's `input_schema`, and, when the answer is text and JSON was asked for, the text a JSON
 * object (`json_object`) or valid against the schema (`json_schema`). An answer that only calls
 * tools has no text to check: the JSON comes in a later turn.
 */
export function checkOutput(
  ask: StructuredAsk,
  output: CompletionOutput,
  compiler: SchemaCompiler = schemaCompiler,
): OutputCheck {
  const toolProblem = checkToolCalls(ask, output, compiler);
  if (toolProblem) return { ok: false, message: toolProblem };
  const format = ask.response_format;
  if (format === undefined || format.type === 'text') return { ok: true };
  if (output.tool_calls.length > 0 && output.text.trim() === '') return { ok: true };
  const parsed = parseJson(output.text);
  if (!parsed.ok) return parsed;
  if (format.type === 'json_object') {
    return isObject(parsed.value)
      ? { ok: true, parsed: parsed.value, json: parsed.json }
      : { ok: false, message: 'the answer is JSON but not an object' };
  }
  const compiled = compiler.compile(format.json_schema.schema);
  if (!compiled.ok)
    return { ok: false, message: `the schema does not compile: ${compiled.problem.message}` };
  if (!compiled.validate(parsed.value))
    return {
      ok: false,
      message: `the answer does not match schema ${format.json_schema.name}: ${describeErrors(compiled.validate.errors)}`,
    };
  return { ok: true, parsed: parsed.value, json: parsed.json };
}
