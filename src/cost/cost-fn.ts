import type { LadderConfig, Price } from '../config/types.js';
import type { Usage } from '../providers/contract.js';
import type { Logger } from '../util/log.js';
import type { CostFn } from '../jobs/hooks.js';
import { createPriceLookup, type PriceLookup } from './prices.js';

/**
 * USD for one call. The normalised `input_tokens` counts every input token, cached ones included
 * (OpenAI's `prompt_tokens` and Gemini's `promptTokenCount` already do; the Anthropic adapter adds
 * `cache_read_input_tokens` and `cache_creation_input_tokens`, which Anthropic counts apart), so the
 * uncached part is `input_tokens - cached_input_tokens`. Cache writes are priced as plain input:
 * the normalised usage does not keep them apart, so Anthropic's 1.25x write surcharge is not counted.
 */
export function costOfUsage(price: Price, usage: Usage): number {
  const cached = Math.min(Math.max(0, usage.cached_input_tokens ?? 0), usage.input_tokens);
  const fresh = Math.max(0, usage.input_tokens - cached);
  const cachedPrice = price.cachedInput ?? price.input;
  return (
    (fresh * price.input + cached * cachedPrice + usage.output_tokens * price.output) / 1_000_000
  );
}

/** Targets already warned about, per process: an unpriced model warns once, not once per job. */
const WARNED = new Set<string>();

export interface CostFnOptions {
  /** Default: the built-in table under `config.prices`. */
  prices?: PriceLookup;
  /** Default: one set per process. */
  warned?: Set<string>;
}

/**
 * The worker's `cost`: a call's USD from the provider's usage, or null when the target has no price
 * (one warning per target per process) or the provider sent no usage.
 */
export function createCostFn(
  config: Pick<LadderConfig, 'prices'>,
  logger: Logger,
  options: CostFnOptions = {},
): CostFn {
  const lookup = options.prices ?? createPriceLookup(config.prices);
  const warned = options.warned ?? WARNED;
  return (target, usage) => {
    const price = lookup(target.id);
    if (!price) {
      if (!warned.has(target.id)) {
        warned.add(target.id);
        logger.warn(
          { provider_target: target.id },
          `no price for ${target.id}: its results carry cost_usd null; add it under prices: in the config`,
        );
      }
      return null;
    }
    return usage ? costOfUsage(price, usage) : null;
  };
}
