import type { Price } from '../config/types.js';

/**
 * Built-in list prices, USD per million tokens, read from the providers' public pricing pages on
 * 2026-11-25 (Anthropic: platform.claude.com pricing; OpenAI: developers.openai.com pricing;
 * Google: ai.google.dev/gemini-api/docs/pricing). They are LIST prices for standard (non-batch,
 * non-priority) calls: negotiated rates, batch discounts, Gemini's >200k-token tier and Anthropic's
 * cache-write surcharge are not modelled. Override or add prices in config (`prices:`), which wins.
 */
export const PRICES_READ_ON = '2026-11-25';

export const BUILT_IN_PRICES: Readonly<Record<string, Price>> = {
  // Anthropic. Cache reads are 0.1x input.
  'anthropic/claude-opus-4-7': { input: 5, output: 25, cachedInput: 0.5 },
  'anthropic/claude-opus-4-6': { input: 5, output: 25, cachedInput: 0.5 },
  'anthropic/claude-opus-4-5': { input: 5, output: 25, cachedInput: 0.5 },
  'anthropic/claude-opus-4-1': { input: 15, output: 75, cachedInput: 1.5 },
  'anthropic/claude-opus-4-0': { input: 15, output: 75, cachedInput: 1.5 },
  'anthropic/claude-sonnet-4-6': { input: 3, output: 15, cachedInput: 0.3 },
  'anthropic/claude-sonnet-4-5': { input: 3, output: 15, cachedInput: 0.3 },
  'anthropic/claude-sonnet-4-0': { input: 3, output: 15, cachedInput: 0.3 },
  'anthropic/claude-haiku-4-5': { input: 1, output: 5, cachedInput: 0.1 },
  'anthropic/claude-3-5-haiku': { input: 0.8, output: 4, cachedInput: 0.08 },
  'anthropic/claude-3-haiku': { input: 0.25, output: 1.25, cachedInput: 0.03 },
  // OpenAI. Cached input is 0.5x (4o), 0.25x (4.1, o-series) or 0.1x (5) input.
  'openai/gpt-4o': { input: 2.5, output: 10, cachedInput: 1.25 },
  'openai/gpt-4o-mini': { input: 0.15, output: 0.6, cachedInput: 0.075 },
  'openai/gpt-4.1': { input: 2, output: 8, cachedInput: 0.5 },
  'openai/gpt-4.1-mini': { input: 0.4, output: 1.6, cachedInput: 0.1 },
  'openai/gpt-4.1-nano': { input: 0.1, output: 0.4, cachedInput: 0.025 },
  'openai/gpt-5': { input: 1.25, output: 10, cachedInput: 0.125 },
  'openai/gpt-5-mini': { input: 0.25, output: 2, cachedInput: 0.025 },
  'openai/gpt-5-nano': { input: 0.05, output: 0.4, cachedInput: 0.005 },
  'openai/o3': { input: 2, output: 8, cachedInput: 0.5 },
  'openai/o4-mini': { input: 1.1, output: 4.4, cachedInput: 0.275 },
  // Google, prompts up to 200k tokens. Thinking tokens are billed as output.
  'google/gemini-2.5-pro': { input: 1.25, output: 10, cachedInput: 0.125 },
  'google/gemini-2.5-flash': { input: 0.3, output: 2.5, cachedInput: 0.03 },
  'google/gemini-2.5-flash-lite': { input: 0.1, output: 0.4, cachedInput: 0.01 },
  'google/gemini-2.0-flash': { input: 0.1, output: 0.4, cachedInput: 0.025 },
  'google/gemini-2.0-flash-lite': { input: 0.075, output: 0.3 },
};

/**
 * The simulated provider's demo models mirror their namesakes, so the demo's report shows what a
 * real ladder would save. Any other `simulated/*` model is free.
 */
const SIMULATED_MIRRORS: Readonly<Record<string, string>> = {
  'opus-sim': 'anthropic/claude-opus-4-7',
  'sonnet-sim': 'anthropic/claude-sonnet-4-6',
  'haiku-sim': 'anthropic/claude-haiku-4-5',
  'gpt-4o-sim': 'openai/gpt-4o',
  'gpt-4o-mini-sim': 'openai/gpt-4o-mini',
  'gemini-flash-sim': 'google/gemini-2.0-flash',
};

const FREE: Price = { input: 0, output: 0, cachedInput: 0 };

/** `claude-haiku-4-5-20251001` → `claude-haiku-4-5`; `gpt-4o-2024-08-06` → `gpt-4o`; `-latest` too. */
export function baseModelId(model: string): string {
  return model.replace(/-(\d{8}|\d{4}-\d{2}-\d{2}|latest)$/, '');
}

/** A lookup over config prices (which win) and the built-in table; undefined when unknown. */
export type PriceLookup = (target: string) => Price | undefined;

/**
 * Price of `provider/model`: config first (exact id, then without a date suffix), then the built-in
 * table the same way, then the simulated mirrors.
 */
export function createPriceLookup(configPrices: Readonly<Record<string, Price>> = {}): PriceLookup {
  const table: Record<string, Price> = { ...BUILT_IN_PRICES, ...configPrices };
  // Asked twice per finished job (its cost, its stats) for the same few targets: answers are
  // kept, as neither table changes (no slicing and date-suffix regex per job); a few hundred at
  // most, whatever names a caller asks about.
  const known = new Map<string, Price | undefined>();
  return (target) => {
    if (known.has(target)) return known.get(target);
    const price = find(table, configPrices, target);
    if (known.size < KNOWN_MAX) known.set(target, price);
    return price;
  };
}

const KNOWN_MAX = 256;

function find(
  table: Readonly<Record<string, Price>>,
  configPrices: Readonly<Record<string, Price>>,
  target: string,
): Price | undefined {
  const direct = configPrices[target] ?? table[target];
  if (direct) return direct;
  const slash = target.indexOf('/');
  if (slash < 0) return undefined;
  const provider = target.slice(0, slash);
  const model = target.slice(slash + 1);
  const base = table[`${provider}/${baseModelId(model)}`];
  if (base) return base;
  if (provider === 'simulated') {
    const mirror = SIMULATED_MIRRORS[model];
    return mirror ? table[mirror] : FREE;
  }
  return undefined;
}
