import { describe, expect, it } from 'vitest';
import { createCostFn, costOfUsage } from '../../src/cost/cost-fn.js';
import { createPriceLookup } from '../../src/cost/prices.js';
import { mapUsage as anthropicUsage } from '../../src/providers/anthropic/map-response.js';
import { mapUsage as googleUsage } from '../../src/providers/google/map-response.js';
import { mapUsage as openaiUsage } from '../../src/providers/openai/map-response.js';
import type { Logger } from '../../src/util/log.js';

const prices = createPriceLookup();
const price = (target: string) => {
  const found = prices(target);
  if (!found) throw new Error(`no price for ${target}`);
  return found;
};

function recordingLogger(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const logger = { warn: (_obj: unknown, msg: string) => warnings.push(msg) } as unknown as Logger;
  return { logger, warnings };
}

const target = (id: string) => {
  const [provider = '', model = ''] = id.split('/');
  return { id, provider, model };
};

describe('cost of one call, from each provider’s own usage shape', () => {
  it('Anthropic: input_tokens excludes cache reads, which are billed at the cached-input price', () => {
    const usage = anthropicUsage({
      input_tokens: 100,
      cache_read_input_tokens: 1000,
      cache_creation_input_tokens: 0,
      output_tokens: 50,
    });
    expect(usage).toEqual({ input_tokens: 1100, output_tokens: 50, cached_input_tokens: 1000 });
    // 100 × $3 + 1000 × $0.30 + 50 × $15, per million.
    expect(costOfUsage(price('anthropic/claude-sonnet-4-6'), usage!)).toBeCloseTo(0.00135, 12);
  });

  it('Anthropic: cache writes count as input at the plain input price', () => {
    const usage = anthropicUsage({
      input_tokens: 10,
      cache_creation_input_tokens: 990,
      output_tokens: 0,
    });
    expect(costOfUsage(price('anthropic/claude-opus-4-7'), usage!)).toBeCloseTo(
      (1000 * 5) / 1e6,
      12,
    );
  });

  it('OpenAI: prompt_tokens includes the cached tokens, which are taken out before the input price', () => {
    const usage = openaiUsage({
      prompt_tokens: 2000,
      completion_tokens: 100,
      prompt_tokens_details: { cached_tokens: 1500 },
    });
    // 500 × $2.50 + 1500 × $1.25 + 100 × $10, per million.
    expect(costOfUsage(price('openai/gpt-4o'), usage!)).toBeCloseTo(0.004125, 12);
  });

  it('Google: promptTokenCount includes cached content; thinking tokens are output', () => {
    const usage = googleUsage({
      promptTokenCount: 1000,
      cachedContentTokenCount: 400,
      candidatesTokenCount: 100,
      thoughtsTokenCount: 50,
    });
    // 600 × $0.30 + 400 × $0.03 + 150 × $2.50, per million.
    expect(costOfUsage(price('google/gemini-2.5-flash'), usage!)).toBeCloseTo(0.000567, 12);
  });

  it('a price without a cached-input rate bills cached tokens as input', () => {
    expect(
      costOfUsage(
        { input: 2, output: 4 },
        { input_tokens: 1000, cached_input_tokens: 600, output_tokens: 10 },
      ),
    ).toBeCloseTo((1000 * 2 + 10 * 4) / 1e6, 12);
  });
});

describe('createCostFn', () => {
  it('prices known targets, dated snapshots and simulated mirrors; config prices win', () => {
    const { logger } = recordingLogger();
    const cost = createCostFn({ prices: { 'openai/gpt-4o': { input: 1, output: 1 } } }, logger, {
      warned: new Set(),
    });
    const usage = { input_tokens: 1_000_000, output_tokens: 1_000_000 };
    expect(cost(target('openai/gpt-4o'), usage)).toBe(2);
    expect(cost(target('anthropic/claude-haiku-4-5-20251001'), usage)).toBe(6);
    expect(cost(target('openai/gpt-4o-mini-2024-07-18'), usage)).toBeCloseTo(0.75, 12);
    expect(cost(target('simulated/opus-sim'), usage)).toBe(30);
    expect(cost(target('simulated/anything-else'), usage)).toBe(0);
  });

  it('answers null for an unpriced model and warns once per target, never throws', () => {
    const { logger, warnings } = recordingLogger();
    const cost = createCostFn({ prices: {} }, logger, { warned: new Set() });
    const usage = { input_tokens: 10, output_tokens: 10 };
    expect(cost(target('acme/unknown-1'), usage)).toBeNull();
    expect(cost(target('acme/unknown-1'), usage)).toBeNull();
    expect(cost(target('acme/unknown-2'), usage)).toBeNull();
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('acme/unknown-1');
  });

  it('answers null when the provider sent no usage', () => {
    const { logger } = recordingLogger();
    expect(createCostFn({ prices: {} }, logger)(target('openai/gpt-4o'), null)).toBeNull();
  });
});
