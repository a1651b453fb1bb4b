/**
 * The providers a target may name, the variables each takes its API key from, and the
 * `provider/model` target syntax.
 */
import type { TargetRef } from './types.js';

/** Providers with an adapter. `simulated` is the in-process one the demo and tests use. */
export const KNOWN_PROVIDERS = ['anthropic', 'openai', 'google', 'simulated'] as const;

export type KnownProvider = (typeof KNOWN_PROVIDERS)[number];

/** Whether `name` is a provider with an adapter. */
export function isKnownProvider(name: string): name is KnownProvider {
  return (KNOWN_PROVIDERS as readonly string[]).includes(name);
}

/**
 * The usual variables for each provider's key, in the order consulted. Google's SDK accepts either
 * name; we look at GEMINI_API_KEY first because Google's own quick-starts now use it.
 */
export const API_KEY_ENV: Record<KnownProvider, readonly string[]> = {
  anthropic: ['ANTHROPIC_API_KEY'],
  openai: ['OPENAI_API_KEY'],
  google: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  simulated: [],
};

/** Per-call timeout when a provider block does not set `timeout_ms`. */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 60_000;

/**
 * Parses `provider/model`. Only the first slash separates: model ids may hold slashes of their own
 * (`openai/ft:gpt-4o:org/x`, gateway-style ids). Returns a reason instead when the text is not a target.
 */
export function parseTarget(text: string): TargetRef | { error: string } {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) return { error: 'not of the form provider/model' };
  if (/\s/.test(text)) return { error: 'contains whitespace' };
  const provider = text.slice(0, slash);
  const model = text.slice(slash + 1);
  if (!isKnownProvider(provider)) {
    return { error: `provider "${provider}" is not one of ${KNOWN_PROVIDERS.join(', ')}` };
  }
  return { provider, model, id: `${provider}/${model}` };
}
