import {
  API_KEY_ENV,
  DEFAULT_PROVIDER_TIMEOUT_MS,
  KNOWN_PROVIDERS,
  isKnownProvider,
  type KnownProvider,
} from '../config/providers.js';
import type { LadderConfig, ProviderSettings } from '../config/types.js';
import type { Provider } from './contract.js';
import { missingKeyText } from './missing-key.js';
import { SimulatedProvider, type SimulatedProviderOptions } from './simulated/adapter.js';

export { KNOWN_PROVIDERS, isKnownProvider, type KnownProvider };

/** Providers by name; only those the ladder's targets use are built. */
export interface ProviderRegistry {
  get(name: string): Provider | undefined;
  names(): string[];
  /** The simulated provider when a target uses it, for outage switches (demo, tests). */
  readonly simulated: SimulatedProvider | undefined;
}

export interface CreateProvidersOptions {
  /** Passed to the simulated provider (random source, outside outage flag). Default: none. */
  simulated?: Omit<SimulatedProviderOptions, 'settings'>;
}

/** Settings when the config has no block for a provider: no key, the SDK's own base URL. */
function settingsFor(config: LadderConfig, name: string): ProviderSettings {
  return (
    config.providers[name] ?? {
      apiKeyEnv: isKnownProvider(name) ? [...API_KEY_ENV[name]] : [],
      timeoutMs: DEFAULT_PROVIDER_TIMEOUT_MS,
    }
  );
}

/** The distinct provider names used by LLM levels, in ladder order. */
export function usedProviders(config: LadderConfig): string[] {
  const names: string[] = [];
  for (const level of config.levels) {
    if (level.kind !== 'llm') continue;
    for (const target of level.targets) {
      if (!names.includes(target.provider)) names.push(target.provider);
    }
  }
  return names;
}

export class UnknownProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly source: string,
  ) {
    super(
      `${source}: unknown provider "${provider}" in the ladder's targets; known providers: ${KNOWN_PROVIDERS.join(', ')}`,
    );
    this.name = 'UnknownProviderError';
  }
}

/**
 * Each SDK is imported only when a target uses its provider: the three SDKs together weigh about
 * 80 MB of RSS, which a static-, cache- or simulated-only worker should not carry.
 */
async function build(
  config: LadderConfig,
  name: KnownProvider,
  options: CreateProvidersOptions,
): Promise<Provider> {
  switch (name) {
    case 'anthropic': {
      const { AnthropicProvider } = await import('./anthropic/adapter.js');
      return new AnthropicProvider({ settings: settingsFor(config, name) });
    }
    case 'openai': {
      const { OpenAIProvider } = await import('./openai/adapter.js');
      return new OpenAIProvider({ settings: settingsFor(config, name) });
    }
    case 'google': {
      const { GoogleProvider } = await import('./google/adapter.js');
      return new GoogleProvider({ settings: settingsFor(config, name) });
    }
    case 'simulated':
      return new SimulatedProvider({ ...options.simulated, settings: config.simulated });
  }
}

/**
 * Builds one provider (and so one SDK client) per provider name the targets use; pass a config
 * holding only the levels a process serves so it loads no other SDK.
 * Rejects with UnknownProviderError naming the first unknown provider.
 */
export async function createProviders(
  config: LadderConfig,
  options: CreateProvidersOptions = {},
): Promise<ProviderRegistry> {
  const providers = new Map<string, Provider>();
  for (const name of usedProviders(config)) {
    if (!isKnownProvider(name)) throw new UnknownProviderError(name, config.source);
    providers.set(name, await build(config, name, options));
  }
  const simulated = providers.get('simulated');
  return {
    get: (name) => providers.get(name),
    names: () => [...providers.keys()],
    simulated: simulated instanceof SimulatedProvider ? simulated : undefined,
  };
}

export interface MissingApiKey {
  provider: string;
  /** Environment variables that would supply it. */
  env: string[];
  /** "provider anthropic has no API key: set ANTHROPIC_API_KEY or providers.anthropic.api_key". */
  message: string;
}

/** Providers used by targets (the simulated one needs none) that have no API key. */
export function missingApiKeys(config: LadderConfig): MissingApiKey[] {
  const missing: MissingApiKey[] = [];
  for (const name of usedProviders(config)) {
    if (name === 'simulated') continue;
    const settings = settingsFor(config, name);
    if (settings.apiKey) continue;
    missing.push({
      provider: name,
      env: settings.apiKeyEnv,
      message: missingKeyText(name, settings.apiKeyEnv),
    });
  }
  return missing;
}
