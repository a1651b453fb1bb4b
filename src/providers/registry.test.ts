import { describe, expect, it } from 'vitest';
import type { LadderConfig, LevelConfig } from '../config/types.js';
import { AnthropicProvider } from './anthropic/adapter.js';
import { createProviders, missingApiKeys, UnknownProviderError } from './registry.js';
import { SimulatedProvider } from './simulated/adapter.js';

function configWith(
  targets: [string, string][],
  providers: LadderConfig['providers'] = {},
): LadderConfig {
  const levels: LevelConfig[] = [
    {
      kind: 'llm',
      level: 1,
      name: 'full',
      targets: targets.map(([provider, model]) => ({
        provider,
        model,
        id: `${provider}/${model}`,
      })),
    },
    { kind: 'cache', level: 2, name: 'cached' },
    { kind: 'static', level: 3, name: 'static', message: 'Service temporarily limited' },
  ];
  // Only the fields the registry reads matter here.
  return {
    source: 'test.yaml',
    providers,
    simulated: { latencyMs: 0, failureRate: 0, failStatus: 503, chunkDelayMs: 0 },
    levels,
  } as unknown as LadderConfig;
}

describe('createProviders', () => {
  it('builds only the providers the targets use', async () => {
    const registry = await createProviders(
      configWith(
        [
          ['anthropic', 'claude'],
          ['simulated', 'fast'],
          ['anthropic', 'claude-2'],
        ],
        { anthropic: { apiKey: 'k', apiKeyEnv: ['ANTHROPIC_API_KEY'], timeoutMs: 1_000 } },
      ),
    );
    expect(registry.names()).toEqual(['anthropic', 'simulated']);
    expect(registry.get('anthropic')).toBeInstanceOf(AnthropicProvider);
    expect(registry.get('openai')).toBeUndefined();
    expect(registry.simulated).toBeInstanceOf(SimulatedProvider);
  });

  it('names an unknown provider and the config file', async () => {
    const attempt = createProviders(configWith([['mistral', 'large']]));
    await expect(attempt).rejects.toThrow(UnknownProviderError);
    await expect(attempt).rejects.toThrow(/test\.yaml: unknown provider "mistral"/);
  });
});

describe('missingApiKeys', () => {
  it('lists used providers without a key, naming the variables to set', () => {
    const missing = missingApiKeys(
      configWith(
        [
          ['anthropic', 'claude'],
          ['openai', 'gpt'],
          ['simulated', 'fast'],
          ['google', 'gemini'],
        ],
        {
          anthropic: { apiKeyEnv: ['ANTHROPIC_API_KEY'], timeoutMs: 1_000 },
          openai: { apiKey: 'set', apiKeyEnv: ['OPENAI_API_KEY'], timeoutMs: 1_000 },
        },
      ),
    );
    expect(missing.map((m) => m.message)).toEqual([
      'provider anthropic has no API key: set ANTHROPIC_API_KEY or providers.anthropic.api_key',
      'provider google has no API key: set GEMINI_API_KEY or GOOGLE_API_KEY or providers.google.api_key',
    ]);
  });
});
