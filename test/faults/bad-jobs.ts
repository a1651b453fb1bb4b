import fc from 'fast-check';

/** A valid job; each bad job below breaks exactly one thing about it. */
export function validJob(): Record<string, unknown> {
  return { request: { messages: [{ role: 'user', content: 'hello' }], max_tokens: 16 } };
}

const withRequest = (patch: Record<string, unknown>): Record<string, unknown> => ({
  request: { ...(validJob().request as object), ...patch },
});
const withMessage = (message: unknown): Record<string, unknown> =>
  withRequest({ messages: [message] });

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

const notAString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);
const notAPositiveInt = fc.oneof(
  fc.integer({ max: 0 }),
  fc.double({ noInteger: true, noNaN: true, noDefaultInfinity: true }),
  fc.constant(1e300),
  fc.integer({ min: 1_000_001 }),
  fc.string({ maxLength: 5 }),
  fc.constant(null),
);
const unknownRole = fc
  .string({ maxLength: 12 })
  .filter((r) => !['user', 'assistant', 'tool'].includes(r));
const unknownField = fc.constantFrom(
  'base_url',
  'api_key',
  'model',
  'provider',
  'headers',
  'url',
  '__proto__x',
  'constructor',
);
const badId = fc.oneof(
  fc.constant(''),
  fc.constant('a:b'),
  fc.integer({ min: 0 }).map(String),
  fc.string({ minLength: 201, maxLength: 300 }),
  fc.constantFrom('a b', 'ü', '../x', 'a/b', 'x\u0000y'),
);

/** Job bodies the API must refuse with 400 (and a raw BullMQ job must fail with a reason). */
export const badJob: fc.Arbitrary<unknown> = fc.oneof(
  // Wrong shapes at the top.
  fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.anything(), { maxLength: 3 })),
  fc.constant({}),
  notAString.map((request) => ({ request })),
  // Missing or wrong fields in the request.
  fc.constant({ request: {} }),
  fc.constant(withRequest({ messages: [] })),
  notAString
    .map((messages) => withRequest({ messages: messages === null ? 'x' : messages }))
    .filter(
      (j) =>
        !Array.isArray((j.request as { messages: unknown }).messages) ||
        (j.request as { messages: unknown[] }).messages.length > 0,
    ),
  unknownRole.map((role) => withMessage({ role, content: 'hi' })),
  notAString.map((content) => withMessage({ role: 'user', content })),
  notAPositiveInt.map((max_tokens) => withRequest({ max_tokens })),
  fc
    .oneof(
      fc.double({ max: -0.001, noNaN: true }),
      fc.double({ min: 2.001, noNaN: true }),
      fc.string({ maxLength: 3 }),
    )
    .map((temperature) => withRequest({ temperature })),
  fc
    .string({ minLength: 1, maxLength: 8 })
    .filter((s) => !/^[a-zA-Z0-9_-]{1,64}$/.test(s))
    .map((name) => withRequest({ tools: [{ name, input_schema: {} }] })),
  // Routing: unknown levels, absurd numbers.
  fc
    .oneof(
      fc.integer({ max: 0 }),
      fc.integer({ min: 6, max: 1_000_000 }),
      fc
        .string({ minLength: 1, maxLength: 10 })
        .filter(
          (s) => !['full', 'reduced', 'basic', 'cached', 'static'].includes(s) && !/^\d+$/.test(s),
        ),
    )
    .map((level) => ({ ...validJob(), level })),
  fc
    .oneof(fc.integer({ max: 0 }), fc.constant('nowhere'))
    .map((floor) => ({ ...validJob(), floor })),
  fc
    .oneof(fc.integer({ max: 0 }), fc.constant(1e15), fc.constant(-1), fc.constant(0.5))
    .map((deadline_ms) => ({ ...validJob(), deadline_ms })),
  fc
    .string({ maxLength: 8 })
    .filter((c) => !['simple', 'standard', 'complex'].includes(c))
    .map((complexity) => ({ ...validJob(), complexity })),
  badId.map((id) => ({ ...validJob(), id })),
  // Unknown fields anywhere: a job cannot name a host, a key or a model.
  unknownField.map((field) => ({ ...validJob(), [field]: 'http://169.254.169.254/' })),
  unknownField.map((field) => withRequest({ [field]: 'http://127.0.0.1:1/' })),
  // Deep nesting and huge values.
  fc
    .integer({ min: 70, max: 1_000 })
    .map((depth) => withRequest({ tools: [{ name: 'deep', input_schema: nested(depth) }] })),
  fc.integer({ min: 1, max: 3 }).map((n) => ({ ...validJob(), metadata: { deep: nested(n) } })),
  fc.constant(withRequest({ stop: Array.from({ length: 17 }, (_, i) => `s${i}`) })),
  fc.constant(withMessage({ role: 'user', content: 'x'.repeat(1_000_001) })),
);

/** Raw bodies that are not JSON, or not UTF-8, or not even complete. */
export const BAD_BODIES: { name: string; body: Buffer }[] = [
  {
    name: 'invalid UTF-8 in content',
    body: Buffer.concat([
      Buffer.from('{"request":{"messages":[{"role":"user","content":"bad '),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('"}]}}'),
    ]),
  },
  {
    name: 'invalid UTF-8 in a role',
    body: Buffer.concat([
      Buffer.from('{"request":{"messages":[{"role":"us'),
      Buffer.from([0xc0, 0xaf]),
      Buffer.from('er","content":"x"}]}}'),
    ]),
  },
  {
    name: 'lone surrogate escape',
    body: Buffer.from(
      '{"request":{"messages":[{"role":"user","content":"\\ud800"}]},"level":"\\udfff"}',
    ),
  },
  { name: 'truncated JSON', body: Buffer.from('{"request":{"messages":[{"role":"user"') },
  { name: 'not JSON', body: Buffer.from('role=user&content=hi') },
  { name: 'deep brackets', body: Buffer.from(`${'['.repeat(50_000)}${']'.repeat(50_000)}`) },
  { name: 'JSON string at top', body: Buffer.from('"just a string"') },
];
