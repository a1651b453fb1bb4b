import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requestHash } from '../../src/cache/request-hash.js';
import type { CompletionRequest } from '../../src/ladder/job-schema.js';

/** The key as first written (entries, filter, sort, join): cache entries made with it must still hit. */
function canonicalAsBefore(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalAsBefore).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalAsBefore(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function hashAsBefore(request: CompletionRequest): string {
  const asked = {
    system: request.system?.trim(),
    messages: request.messages,
    tools: request.tools,
    tool_choice: request.tool_choice,
    stop: request.stop,
    response_format: request.response_format,
  };
  return createHash('sha256').update(canonicalAsBefore(asked)).digest('hex');
}

describe('request hash', () => {
  it('is the key it always was, for any request', () => {
    const request = fc.record(
      {
        system: fc.string(),
        messages: fc.array(fc.anything()),
        tools: fc.anything(),
        tool_choice: fc.anything(),
        stop: fc.anything(),
        response_format: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(request, (r) => {
        const asked = r as unknown as CompletionRequest;
        expect(requestHash(asked)).toBe(hashAsBefore(asked));
      }),
      { numRuns: 5_000 },
    );
  });

  it('is the key it always was for requests of plain messages (the quick way), mixed with others', () => {
    const plain = fc.record({ role: fc.string(), content: fc.string() });
    const reversed = plain.map(({ role, content }) => ({ content, role }));
    const more = fc.record({ role: fc.string(), content: fc.string(), name: fc.string() });
    const partial = fc.record({ role: fc.string(), content: fc.anything() });
    const request = fc.record(
      {
        system: fc.string(),
        messages: fc.array(fc.oneof(plain, reversed, more, partial, fc.anything())),
        stop: fc.array(fc.string()),
      },
      { requiredKeys: ['messages'] },
    );
    fc.assert(
      fc.property(request, (r) => {
        const asked = r as unknown as CompletionRequest;
        expect(requestHash(asked)).toBe(hashAsBefore(asked));
      }),
      { numRuns: 5_000 },
    );
  });

  it('ignores key order and sampling settings', () => {
    const a = requestHash({
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 5,
      stop: ['x'],
    });
    const b = requestHash({
      stop: ['x'],
      temperature: 1,
      messages: [{ content: 'hi', role: 'user' }],
    });
    expect(a).toBe(b);
    expect(a).toBe(hashAsBefore({ messages: [{ role: 'user', content: 'hi' }], stop: ['x'] }));
  });
});
