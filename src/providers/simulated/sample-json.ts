/**
 * A small, deterministic value that satisfies a JSON schema, for the simulated provider's
 * structured answers. It covers what agents' schemas use (objects, arrays, enums, const, formats,
 * bounds, local `$ref`s, anyOf/oneOf/allOf); a `pattern` it cannot honour yields a plain string,
 * which the worker's check then refuses, as it would a real model's wrong answer.
 */

type Schema = Record<string, unknown>;

/** Refs followed and levels descended before giving up (recursive schemas). */
const MAX_DEPTH = 16;

const FORMATS: Record<string, string> = {
  'date-time': '2025-01-01T00:00:00Z',
  date: '2025-01-01',
  time: '00:00:00Z',
  email: 'user@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  uuid: '00000000-0000-4000-8000-000000000000',
  hostname: 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
};

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function resolveRef(root: Schema, ref: string): Schema | null {
  if (!ref.startsWith('#')) return null;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isSchema(node) ? node[key] : undefined;
  }
  return isSchema(node) ? node : null;
}

function typeOf(schema: Schema): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return (type.find((t) => t !== 'null') ?? type[0]) as string | undefined;
  if (isSchema(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
}

function sampleString(schema: Schema, hint: string): string {
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  let text = format ?? hint;
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  while (text.length < min) text += 'x';
  return text.slice(0, max);
}

function sampleNumber(schema: Schema, integer: boolean): number {
  const min =
    typeof schema.minimum === 'number'
      ? schema.minimum
      : typeof schema.exclusiveMinimum === 'number'
        ? schema.exclusiveMinimum + (integer ? 1 : 0.5)
        : undefined;
  const max =
    typeof schema.maximum === 'number'
      ? schema.maximum
      : typeof schema.exclusiveMaximum === 'number'
        ? schema.exclusiveMaximum - (integer ? 1 : 0.5)
        : undefined;
  // 1 unless the bounds exclude it: zod's integers come with ±2^53 bounds, which read badly.
  let value = Math.min(Math.max(1, min ?? 1), max ?? Infinity);
  if (integer) value = Math.ceil(value);
  const step = typeof schema.multipleOf === 'number' ? schema.multipleOf : undefined;
  if (step) value = Math.ceil(value / step) * step;
  return value;
}

function sample(root: Schema, schema: Schema, hint: string, depth: number): unknown {
  if (depth > MAX_DEPTH) return null;
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(root, schema.$ref);
    return target ? sample(root, target, hint, depth + 1) : null;
  }
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0] ?? null;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const first = Array.isArray(schema[key]) ? (schema[key] as unknown[]).find(isSchema) : null;
    if (first) return sample(root, first, hint, depth + 1);
  }
  if (Array.isArray(schema.allOf)) {
    const merged: Schema = { ...schema, allOf: undefined };
    for (const part of schema.allOf.filter(isSchema)) {
      merged.properties = { ...(merged.properties as Schema), ...(part.properties as Schema) };
      merged.required = [
        ...((merged.required as unknown[]) ?? []),
        ...((part.required as unknown[]) ?? []),
      ];
      merged.type ??= part.type;
    }
    delete merged.allOf;
    return sample(root, merged, hint, depth + 1);
  }
  switch (typeOf(schema)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const properties = isSchema(schema.properties) ? schema.properties : {};
      for (const [name, property] of Object.entries(properties))
        if (isSchema(property)) out[name] = sample(root, property, `${hint} ${name}`, depth + 1);
      return out;
    }
    case 'array': {
      const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems.filter(isSchema) : [];
      const items = isSchema(schema.items) ? schema.items : null;
      const count = Math.max(
        typeof schema.minItems === 'number' ? schema.minItems : 1,
        prefix.length,
      );
      const out: unknown[] = [];
      for (let i = 0; i < count; i++) {
        const item = prefix[i] ?? items;
        out.push(item ? sample(root, item, hint, depth + 1) : hint);
      }
      const max = typeof schema.maxItems === 'number' ? schema.maxItems : Infinity;
      return items || prefix.length > 0 ? out.slice(0, max) : [];
    }
    case 'string':
      return sampleString(schema, hint);
    case 'integer':
      return sampleNumber(schema, true);
    case 'number':
      return sampleNumber(schema, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return hint;
  }
}

/** A value valid against `schema` (as far as the generator understands it), strings from `hint`. */
export function sampleJson(schema: Schema, hint: string): unknown {
  return sample(schema, schema, hint, 0);
}

/** The schema's sample object with every value of the wrong type, or null when it has none. */
export function brokenObject(schema: Schema, hint: string): Record<string, unknown> | null {
  const value = sampleJson(schema, hint);
  if (!isSchema(value) || Object.keys(value).length === 0) return null;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? 12345 : `not ${typeof v}`]),
  );
}

/**
 * JSON that breaks `schema` in a readable way: every property of an object given a value of the
 * wrong type (so a validator names them), else text cut off mid-value that does not parse.
 */
export function brokenJson(schema: Schema | null, hint: string): string {
  const wrong = schema ? brokenObject(schema, hint) : null;
  return wrong ? JSON.stringify(wrong) : `{"answer": "${hint}`;
}
