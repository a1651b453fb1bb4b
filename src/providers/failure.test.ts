import { describe, expect, it } from 'vitest';
import { scrubSecret, statusFailure } from './failure.js';
import { parseToolArguments } from './parse-tool-arguments.js';

describe('failure helpers', () => {
  it('scrubs the API key out of provider messages', () => {
    const error = statusFailure(
      { provider: 'openai', model: 'm', apiKey: 'sk-secret-123' },
      { status: 401, message: 'Incorrect API key provided: sk-secret-123' },
    );
    expect(error.message).not.toContain('sk-secret-123');
    expect(error.errorClass).toBe('misconfigured');
    expect(scrubSecret('abc', undefined)).toBe('abc');
  });

  it('parses tool arguments to objects only', () => {
    const ctx = { provider: 'openai', model: 'm' };
    expect(parseToolArguments(ctx, 't', '{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseToolArguments(ctx, 't', null)).toEqual({ ok: true, value: {} });
    const bad = parseToolArguments(ctx, 't', '{"a":');
    expect(bad.ok ? null : bad.error.kind).toBe('malformed');
    expect(parseToolArguments(ctx, 't', '"str"').ok).toBe(false);
  });
});
