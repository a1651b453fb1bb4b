import { describe, expect, it } from 'vitest';
import { parseJob } from '../../src/ladder/job-schema.js';
import { checkOutput } from '../../src/output/check-output.js';
import { SchemaCompiler } from '../../src/output/compiler.js';
import { InvalidOutputStreaks } from '../../src/output/invalid-streak.js';
import type { ResponseFormat } from '../../src/output/response-format.js';
import { brokenJson, sampleJson } from '../../src/providers/simulated/sample-json.js';

const INVOICE = {
  type: 'object',
  properties: {
    number: { type: 'integer', minimum: 1 },
    customer: { type: 'string', minLength: 2 },
    due: { type: 'string', format: 'date' },
    lines: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: {
          sku: { type: 'string', pattern: '^[A-Z]{3}-\\d{3}$' },
          qty: { type: 'number' },
        },
        required: ['qty'],
        additionalProperties: false,
      },
    },
    status: { enum: ['open', 'paid'] },
  },
  required: ['number', 'customer', 'lines', 'status'],
  additionalProperties: false,
};

const asSchema = (schema: Record<string, unknown>): ResponseFormat => ({
  type: 'json_schema',
  json_schema: { name: 'invoice', schema, strict: true },
});

const answer = (
  text: string,
  tool_calls: { id: string; name: string; arguments: Record<string, unknown> }[] = [],
) => ({
  text,
  tool_calls,
  stop_reason: 'end_turn' as const,
  raw_stop_reason: 'end_turn',
});

const job = (request: Record<string, unknown>) => ({
  request: { messages: [{ role: 'user', content: 'hi' }], ...request },
});

describe('checking an answer against what the job asked for', () => {
  const valid = {
    number: 42,
    customer: 'ACME',
    due: '2025-03-01',
    lines: [{ sku: 'ABC-123', qty: 2 }],
    status: 'open',
  };

  it('gives the parsed object when the answer matches the schema, fenced or not', () => {
    expect(
      checkOutput({ response_format: asSchema(INVOICE) }, answer(JSON.stringify(valid))),
    ).toMatchObject({ ok: true, parsed: valid });
    expect(
      checkOutput(
        { response_format: asSchema(INVOICE) },
        answer('```json\n' + JSON.stringify(valid) + '\n```'),
      ),
    ).toEqual({ ok: true, parsed: valid, json: JSON.stringify(valid) });
  });

  it("names the validator's first errors, not the answer", () => {
    const bad = { ...valid, lines: [{ sku: 'abc', qty: 2 }] };
    const checked = checkOutput(
      { response_format: asSchema(INVOICE) },
      answer(JSON.stringify(bad)),
    );
    expect(checked).toEqual({
      ok: false,
      message: expect.stringContaining('/lines/0/sku must match pattern') as string,
    });
    const extra = checkOutput(
      { response_format: asSchema(INVOICE) },
      answer(JSON.stringify({ ...valid, note: 'x' })),
    );
    expect(extra).toEqual({
      ok: false,
      message: expect.stringContaining('must NOT have additional properties (note)') as string,
    });
  });

  it('refuses text that is not JSON, and JSON that is not an object for json_object', () => {
    expect(
      checkOutput({ response_format: { type: 'json_object' } }, answer('Sure! Here it is')),
    ).toEqual({
      ok: false,
      message: expect.stringContaining('not JSON') as string,
    });
    expect(checkOutput({ response_format: { type: 'json_object' } }, answer('[1, 2]'))).toEqual({
      ok: false,
      message: 'the answer is JSON but not an object',
    });
    expect(checkOutput({ response_format: { type: 'json_object' } }, answer('{"a": 1}'))).toEqual({
      ok: true,
      parsed: { a: 1 },
      json: '{"a": 1}',
    });
  });

  it('leaves prose alone when no JSON was asked for', () => {
    expect(checkOutput({}, answer('plain words'))).toEqual({ ok: true });
    expect(checkOutput({ response_format: { type: 'text' } }, answer('plain words'))).toEqual({
      ok: true,
    });
  });

  it("checks every tool call's arguments against its tool's input_schema", () => {
    const tools = [
      {
        name: 'lookup_invoice',
        input_schema: {
          type: 'object',
          properties: { number: { type: 'integer' } },
          required: ['number'],
        },
      },
    ];
    expect(
      checkOutput(
        { tools },
        answer('', [{ id: 't1', name: 'lookup_invoice', arguments: { number: 42 } }]),
      ),
    ).toEqual({ ok: true });
    expect(
      checkOutput(
        { tools },
        answer('', [{ id: 't1', name: 'lookup_invoice', arguments: { number: 'forty-two' } }]),
      ),
    ).toEqual({
      ok: false,
      message: 'tool call lookup_invoice (t1): arguments /number must be integer',
    });
    // A tool-calling turn carries no final JSON yet.
    expect(
      checkOutput(
        { tools, response_format: asSchema(INVOICE) },
        answer('', [{ id: 't1', name: 'lookup_invoice', arguments: { number: 1 } }]),
      ),
    ).toEqual({ ok: true });
  });
});

describe('schemas refused at enqueue', () => {
  const problemsOf = (request: Record<string, unknown>) => {
    const parsed = parseJob(job(request));
    return parsed.ok ? [] : parsed.problems;
  };

  it('accepts a well-formed schema and each draft it names', () => {
    expect(problemsOf({ response_format: asSchema(INVOICE) })).toEqual([]);
    expect(
      problemsOf({
        response_format: asSchema({
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          type: 'object',
          prefixItems: [{ type: 'string' }],
        }),
      }),
    ).toEqual([]);
  });

  it('names the path of an unsafe pattern', () => {
    const schema = { type: 'object', properties: { zip: { type: 'string', pattern: '^(a+)+$' } } };
    expect(problemsOf({ response_format: asSchema(schema) })).toEqual([
      {
        path: 'request.response_format.json_schema.schema.properties.zip.pattern',
        message: expect.stringContaining('could backtrack exponentially') as string,
      },
    ]);
    expect(
      problemsOf({
        tools: [{ name: 't', input_schema: { patternProperties: { '(x+x+)+y': {} } } }],
      }),
    ).toEqual([
      {
        path: 'request.tools.0.input_schema.patternProperties.(x+x+)+y',
        message: expect.stringContaining('backtrack') as string,
      },
    ]);
  });

  it('refuses a schema that does not compile, an unknown type, a remote $ref, and one over 64 KiB', () => {
    expect(problemsOf({ response_format: asSchema({ type: 'strin' }) })[0]).toEqual({
      path: 'request.response_format.json_schema.schema',
      message: expect.stringContaining('does not compile') as string,
    });
    expect(
      problemsOf({ response_format: asSchema({ $ref: 'https://evil.example/schema.json' }) })[0]
        ?.message,
    ).toContain('does not compile');
    const huge = { type: 'object', description: 'x'.repeat(70_000) };
    expect(problemsOf({ response_format: asSchema(huge) })[0]?.message).toContain(
      'at most 65536 bytes',
    );
  });

  it('refuses a response_format of another type, naming it', () => {
    expect(problemsOf({ response_format: { type: 'xml' } })).toEqual([
      {
        path: 'request.response_format.type',
        message: expect.stringContaining('"text", "json_object", "json_schema"') as string,
      },
    ]);
  });

  it('refuses a schema with more subschemas than compile quickly', () => {
    const properties = Object.fromEntries(
      Array.from({ length: 600 }, (_, i) => [`p${i}`, { type: 'string' }]),
    );
    const [problem] = problemsOf({ response_format: asSchema({ type: 'object', properties }) });
    expect(problem).toEqual({
      path: expect.stringContaining(
        'request.response_format.json_schema.schema.properties',
      ) as string,
      message: expect.stringContaining('at most 500 objects and arrays') as string,
    });
  });

  it('refuses a schema nested deeper than the schema limit', () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 20; i++) schema = { type: 'object', properties: { a: schema } };
    const [problem] = problemsOf({ response_format: asSchema(schema) });
    expect(problem?.message).toContain('nested at most 32 levels');
  });
});

describe('the compile cache', () => {
  it('compiles a schema once and drops the least recently used past its size', () => {
    const compiler = new SchemaCompiler(2);
    const a = compiler.compile({ type: 'string' });
    expect(compiler.compile({ type: 'string' })).toBe(a);
    compiler.compile({ type: 'number' });
    compiler.compile({ type: 'boolean' });
    expect(compiler.size).toBe(2);
    expect(compiler.compile({ type: 'string' })).not.toBe(a);
  });

  it('keeps two schemas with the same $id apart', () => {
    const compiler = new SchemaCompiler();
    const one = compiler.compile({ $id: 'https://example.com/x', type: 'string' });
    const two = compiler.compile({ $id: 'https://example.com/x', type: 'number' });
    expect(one.ok && two.ok && one.validate('s') && two.validate(1) && !two.validate('s')).toBe(
      true,
    );
  });
});

describe('the simulated provider’s JSON', () => {
  it('samples a value the schema accepts, and breaks it readably on demand', () => {
    const compiler = new SchemaCompiler();
    const compiled = compiler.compile(INVOICE);
    if (!compiled.ok) throw new Error('schema should compile');
    const sample = sampleJson(
      {
        ...INVOICE,
        properties: {
          ...INVOICE.properties,
          lines: {
            type: 'array',
            items: { type: 'object', properties: { qty: { type: 'number' } }, required: ['qty'] },
          },
        },
      },
      'simulated',
    );
    expect(compiled.validate(sample) || compiled.validate.errors).toBe(true);
    const broken = JSON.parse(brokenJson(INVOICE, 'x')) as unknown;
    expect(compiled.validate(broken)).toBe(false);
  });
});

describe('invalid answers and the breaker', () => {
  it('count from the threshold-th in a row, and a valid answer starts over', () => {
    const streaks = new InvalidOutputStreaks(3);
    expect([
      streaks.invalid('a'),
      streaks.invalid('a'),
      streaks.invalid('a'),
      streaks.invalid('a'),
    ]).toEqual([false, false, true, true]);
    streaks.valid('a');
    expect(streaks.invalid('a')).toBe(false);
    expect(streaks.invalid('b')).toBe(false);
  });
});
