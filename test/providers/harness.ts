import { expect } from 'vitest';
import type { ProviderSettings } from '../../src/config/types.js';
import type { Provider } from '../../src/providers/contract.js';
import { isProviderError, type ProviderError } from '../../src/providers/provider-error.js';
import type { CompletionRequest } from '../../src/ladder/job-schema.js';

/** Looks like a real key so a leak would be visible in any message or body. */
export const TEST_API_KEY = 'sk-test-DO-NOT-LEAK-0123456789';

export function fakeSettings(
  baseUrl: string,
  overrides: Partial<ProviderSettings> = {},
): ProviderSettings {
  return {
    apiKey: TEST_API_KEY,
    apiKeyEnv: ['TEST_API_KEY'],
    baseUrl,
    timeoutMs: 5_000,
    ...overrides,
  };
}

export const HELLO: CompletionRequest = { messages: [{ role: 'user', content: 'Say hello' }] };

/** Short enough to keep hang tests quick, long enough for a loaded CI machine to answer. */
export const HANG_TIMEOUT_MS = 300;

export async function failure(
  provider: Provider,
  model: string,
  options: { timeoutMs?: number; signal?: AbortSignal; request?: CompletionRequest } = {},
): Promise<ProviderError> {
  let thrown: unknown;
  try {
    await provider.complete({
      model,
      request: options.request ?? HELLO,
      timeoutMs: options.timeoutMs ?? 5_000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    thrown = error;
  }
  expect(isProviderError(thrown), `expected a ProviderError, got ${String(thrown)}`).toBe(true);
  const error = thrown as ProviderError;
  expect(error.message).not.toContain(TEST_API_KEY);
  expect(error.provider).toBe(provider.name);
  expect(error.model).toBe(model);
  return error;
}
