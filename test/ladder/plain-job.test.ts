import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJobId } from '../../src/ladder/job-limits.js';
import { jobIdSchema, jobInputSchema, parseJob, reparseJob } from '../../src/ladder/job-schema.js';
import { jsonShapeProblem } from '../../src/ladder/json-shape.js';
import { plainJob } from '../../src/ladder/plain-job.js';
import { badJob, validJob } from '../faults/bad-jobs.js';

/** Mostly a valid value, sometimes one at or past a limit or of the wrong type. */
const mostly = <T>(valid: fc.Arbitrary<T>, ...edges: unknown[]): fc.Arbitrary<unknown> =>
  fc.oneof(
    { arbitrary: valid, weight: 12 },
    { arbitrary: fc.constantFrom(...edges, null, true, [], {}, undefined, '1'), weight: 1 },
  );
const text = (min: number, max: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ minLength: min, maxLength: Math.min(max, 6) }),
    fc.constant('x'.repeat(max)),
  );
const int = (min: number, max: number): fc.Arbitrary<number> =>
  fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
const tooLong = (max: number): string => 'x'.repeat(max + 1);

const message = fc.oneof(
  fc.record({ role: fc.constant('user'), content: mostly(text(0, 1_000_000), tooLong(1_000_000)) }),
  fc.record(
    { role: fc.constant('assistant'), content: mostly(text(0, 20)), tool_calls: fc.constant([]) },
    { requiredKeys: ['role'] },
  ),
  fc.record(
    {
      role: fc.constant('tool'),
      tool_call_id: mostly(text(1, 200), '', tooLong(200)),
      name: mostly(text(0, 256), tooLong(256)),
      content: mostly(text(0, 10)),
    },
    { requiredKeys: ['role', 'tool_call_id', 'content'] },
  ),
  fc.constantFrom(null, 'user', [], { role: 'system', content: 'x' }, { role: 'user' }),
);
const request = fc.record(
  {
    system: mostly(text(0, 1_000_000), tooLong(1_000_000)),
    messages: mostly(fc.array(message, { minLength: 1, maxLength: 3 }), []),
    max_tokens: mostly(int(1, 1_000_000), 0, 1_000_001, 2.5, Number.NaN),
    temperature: mostly(fc.double({ min: 0, max: 2, noNaN: true }), -0.1, 2.1, Number.NaN, -0),
    stop: mostly(fc.array(text(1, 1_000), { maxLength: 16 }), [''], Array(17).fill('s')),
  },
  { requiredKeys: ['messages'] },
);
const levelRef = mostly(fc.oneof(int(1, 100), text(1, 64)), 0, 101, 1.5, '', tooLong(64));
const metadata = mostly(
  fc.dictionary(
    text(0, 256),
    fc.oneof(
      text(0, 10_000),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    ),
    { maxKeys: 5 },
  ),
  { [tooLong(256)]: 1 },
  { k: tooLong(10_000) },
  { k: Number.POSITIVE_INFINITY },
  { k: {} },
  JSON.parse('{"__proto__": 1}') as unknown,
  Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i])),
);
const id = mostly(
  fc.stringMatching(/^[A-Za-z0-9_.@=+-]{1,12}$/).filter((s) => !/^\d+$/.test(s)),
  '',
  '123',
  'a:b',
  'a b',
  tooLong(200),
);
const plainish = fc.record(
  {
    id,
    request: mostly(request),
    level: levelRef,
    complexity: mostly(fc.constantFrom('simple', 'standard', 'complex'), 'hard'),
    floor: levelRef,
    deadline_ms: mostly(int(1, 604_800_000), 0, 604_800_001, 1.5),
    cache: mostly(fc.boolean()),
    stream: mostly(fc.boolean()),
    priority: mostly(int(1, 1000), 0, 1001),
    metadata,
  },
  { requiredKeys: ['request'] },
);
/** Now and then a field no plain job has, at the top or in the request. */
const job = fc
  .tuple(
    plainish,
    fc.constantFrom(null, null, null, null, null, 'model', 'tools', 'response_format'),
  )
  .map(([j, extra]) => {
    if (extra === null) return j;
    const r = j.request;
    return extra === 'model' || typeof r !== 'object' || r === null
      ? { ...j, [extra]: 'x' }
      : { ...j, request: { ...r, [extra]: [] } };
  });

/** parseJob's answer for a plain job must be the one the full parse gives. */
function sameAsFullParse(input: unknown): void {
  const fast = plainJob(input);
  if (fast === null) return;
  const full = jobInputSchema.safeParse(input);
  expect(full.success, JSON.stringify(input)?.slice(0, 300)).toBe(true);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(full.data));
  expect(fast).toStrictEqual(full.data);
  expect(jsonShapeProblem(input)).toBeNull();
}

describe('plain jobs checked by hand', () => {
  it('accepts only what zod accepts, answering what zod answers', () => {
    let taken = 0;
    fc.assert(
      fc.property(job, (input) => {
        if (plainJob(input) !== null) taken++;
        sameAsFullParse(input);
      }),
      { numRuns: 10_000 },
    );
    // The generator must reach the accepting side often enough for the comparison to mean much.
    console.log('TAKEN', taken);
    expect(taken).toBeGreaterThan(100);
  });

  it('answers the fuzzed bad jobs as the full parse does (those zod takes fail at routing)', () => {
    fc.assert(fc.property(badJob, sameAsFullParse), { numRuns: 2_000 });
  });

  it("reparseJob (the worker's) answers every job as parseJob does, problems included", () => {
    fc.assert(
      fc.property(fc.oneof(badJob, job), (input) => {
        expect(reparseJob(input)).toStrictEqual(parseJob(input));
      }),
      { numRuns: 3_000 },
    );
  });

  it('takes the usual jobs, as a copy', () => {
    const jobs: Record<string, unknown>[] = [
      validJob(),
      {
        id: 'order-42',
        request: {
          system: 'be brief',
          messages: [
            { role: 'user', content: 'hi' },
            { role: 'assistant', content: 'hello' },
            { role: 'tool', tool_call_id: 'c1', name: 'lookup', content: '{}' },
            { role: 'user', content: '' },
          ],
          max_tokens: 64,
          temperature: 0.2,
          stop: ['END'],
        },
        level: 'full',
        floor: 3,
        complexity: 'simple',
        deadline_ms: 60_000,
        cache: false,
        stream: true,
        priority: 5,
        metadata: { agent: 'billing', n: 1, ok: true, none: null },
      },
    ];
    for (const input of jobs) {
      const fast = plainJob(input);
      expect(fast).toStrictEqual(jobInputSchema.parse(input));
      expect(fast).not.toBe(input);
      expect(reparseJob(input)).toEqual({ ok: true, job: fast });
    }
  });

  it('isJobId answers as jobIdSchema does', () => {
    const candidate = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.stringMatching(/^[A-Za-z0-9_.@=+:-]{0,12}$/),
      fc.constantFrom('x'.repeat(200), 'x'.repeat(201), '0', '007', 'a.b', 5, null),
    );
    fc.assert(
      fc.property(candidate, (value) => {
        expect(isJobId(value)).toBe(jobIdSchema.safeParse(value).success);
      }),
      { numRuns: 5_000 },
    );
  });

  it('leaves tools, tool calls and structured output to the full parse', () => {
    const base = validJob().request as Record<string, unknown>;
    for (const request of [
      { ...base, tools: [{ name: 't', input_schema: {} }] },
      { ...base, tool_choice: 'auto' },
      { ...base, response_format: { type: 'json_object' } },
      { messages: [{ role: 'assistant', tool_calls: [] }] },
    ])
      expect(plainJob({ request })).toBeNull();
  });
});
