import { FIVE_LEVELS as SEED_LEVELS } from '../helpers/five-levels.js';

/** The default five-level ladder on the fake provider: no retries, breakers that stay closed. */
export const FIVE_LEVELS = {
  ...SEED_LEVELS,
  fallback: { max_retries: 0 },
  breaker: { failure_threshold: 50, minimum_calls: 50 },
};
