/**
 * The two config forms, as zod schemas over the parsed (and interpolated) YAML. Objects are strict,
 * so a misspelt key is reported rather than silently ignored.
 *
 * - flat (the seed article's): `providers:` is a list of `{name, model, priority}`;
 * - ladder: `providers:` is a map of provider settings and `levels:` lists the ladder.
 */
import { z } from 'zod';
import { KNOWN_PROVIDERS, parseTarget } from './providers.js';
import {
  apiSchema,
  breakerSchema,
  budgetsSchema,
  complexitySchema,
  fallbackSchema,
  limitsSchema,
  pricesSchema,
  quotaSchema,
  redisSchema,
  ttlSchema,
  workerSchema,
} from './schema-blocks.js';
import { int, isValidLevelName, LEVEL_NAME_EXPECTED, num, str } from './schema-helpers.js';

const TARGET_EXPECTED = `a target "provider/model" with provider one of ${KNOWN_PROVIDERS.join(', ')}`;

/** `provider/model`, checked here so every bad target of every level is reported at once. */
export const targetSchema = str(TARGET_EXPECTED).refine((text) => !('error' in parseTarget(text)), {
  error: TARGET_EXPECTED,
});

const baseUrlSchema = str('an http(s) URL').refine(
  // Empty means "not set", so `${ANTHROPIC_BASE_URL:-}` works.
  (text) => text === '' || /^https?:\/\/[^\s]+$/.test(text),
  { error: 'an http(s) URL' },
);

/** Settings of a real provider. */
export const providerBlockSchema = z.strictObject({
  api_key: str('an API key string').optional(),
  base_url: baseUrlSchema.optional(),
  timeout_ms: int(1, 'ms').optional(),
  http_client: z.enum(['undici', 'fetch'], { error: '"undici" or "fetch"' }).optional(),
});

/** Settings of the in-process simulated provider. */
export const simulatedBlockSchema = z.strictObject({
  latency_ms: int(0, 'ms').optional(),
  failure_rate: num('a number in [0, 1]', (n) => n >= 0 && n <= 1).optional(),
  fail_status: int(100, '', 599).optional(),
  timeout_ms: int(1, 'ms').optional(),
  chunk_delay_ms: int(0, 'ms').optional(),
  invalid_output_rate: num('a number in [0, 1]', (n) => n >= 0 && n <= 1).optional(),
  tool_call_rate: num('a number in [0, 1]', (n) => n >= 0 && n <= 1).optional(),
});

/** The ladder form's `providers:` map: known providers only, so a typo is caught. */
export const providersMapSchema = z.strictObject({
  anthropic: providerBlockSchema.nullish(),
  openai: providerBlockSchema.nullish(),
  google: providerBlockSchema.nullish(),
  simulated: simulatedBlockSchema.nullish(),
});

/**
 * One level. Which of `targets` / `serve` / `message` go together is checked in normalise.ts,
 * where the problem can say which key is missing or extra, instead of zod's union error.
 */
export const levelSchema = z.strictObject({
  name: str(LEVEL_NAME_EXPECTED).refine(isValidLevelName, { error: LEVEL_NAME_EXPECTED }),
  targets: z
    .array(targetSchema, { error: 'a list of targets "provider/model"' })
    .min(1, { error: 'a list of at least one target "provider/model"' })
    .optional(),
  serve: z.enum(['cache', 'static'], { error: '"cache" or "static"' }).optional(),
  message: str('a message string').optional(),
});

/**
 * Blocks both forms accept besides `providers` and `levels`. `null` counts as absent: a block whose
 * keys are all commented out (`breaker:` alone on its line) parses as null and means "defaults".
 */
const commonBlocks = {
  redis: redisSchema.nullish(),
  fallback: fallbackSchema.nullish(),
  breaker: breakerSchema.nullish(),
  cache: ttlSchema.nullish(),
  results: ttlSchema.nullish(),
  worker: workerSchema.nullish(),
  api: apiSchema.nullish(),
  budgets: budgetsSchema.nullish(),
  prices: pricesSchema.nullish(),
  limits: limitsSchema.nullish(),
  quota: quotaSchema.nullish(),
  complexity: complexitySchema.nullish(),
};

/** The ladder form. */
export const ladderFormSchema = z.strictObject({
  ...commonBlocks,
  providers: providersMapSchema.nullish(),
  levels: z
    .array(levelSchema, { error: 'a list of levels' })
    .min(1, { error: 'a list of at least one level' }),
});

/** One entry of the seed's flat `providers:` list. */
export const flatProviderSchema = z.strictObject({
  name: z.enum(KNOWN_PROVIDERS, { error: `a provider name: one of ${KNOWN_PROVIDERS.join(', ')}` }),
  model: str('a model name').min(1, { error: 'a model name' }),
  // Optional: entries without one keep their list order, after those with one.
  priority: num('a priority number (lower goes first)').optional(),
});

/** The seed article's flat form. */
export const flatFormSchema = z.strictObject({
  ...commonBlocks,
  providers: z
    .array(flatProviderSchema, { error: 'a list of {name, model, priority}' })
    .min(1, { error: 'a list of at least one provider' }),
});

export type LadderFormInput = z.output<typeof ladderFormSchema>;
export type FlatFormInput = z.output<typeof flatFormSchema>;
/** What both forms share once parsed. */
export type CommonInput = Omit<LadderFormInput, 'providers' | 'levels'>;
export type LevelInput = z.output<typeof levelSchema>;
export type ProvidersMapInput = z.output<typeof providersMapSchema>;
