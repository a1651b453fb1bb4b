import type { Problem } from '../ladder/problem.js';
import { schemaCompiler, type SchemaCompiler } from './compiler.js';
import type { ResponseFormat } from './response-format.js';

/** The parts of a request whose schemas the worker will run against answers. */
export interface StructuredAsk {
  response_format?: ResponseFormat;
  tools?: ReadonlyArray<{ name: string; input_schema: Record<string, unknown> }>;
}

/**
 * Every schema of a request that Ajv refuses or that schema-guard.ts finds unsafe, with the path
 * of the bad part (`request.response_format.json_schema.schema.properties.zip.pattern`). Run
 * wherever a job is validated, so a job whose schema cannot be checked is never enqueued.
 */
export function structuredOutputProblems(
  request: StructuredAsk,
  compiler: SchemaCompiler = schemaCompiler,
): Omit<Problem, 'index'>[] {
  const problems: Omit<Problem, 'index'>[] = [];
  const check = (schema: Record<string, unknown>, at: string): void => {
    const compiled = compiler.compile(schema);
    if (compiled.ok) return;
    const inner = compiled.problem.path === '(root)' ? '' : `.${compiled.problem.path}`;
    problems.push({ path: `${at}${inner}`, message: compiled.problem.message });
  };
  const format = request.response_format;
  if (format?.type === 'json_schema')
    check(format.json_schema.schema, 'request.response_format.json_schema.schema');
  request.tools?.forEach((tool, index) =>
    check(tool.input_schema, `request.tools.${index}.input_schema`),
  );
  return problems;
}
