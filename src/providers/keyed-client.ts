import type { ProviderSettings } from '../config/types.js';
import type { Completion } from './contract.js';
import { misconfiguredFailure, type FailureContext } from './failure.js';
import { missingKeyText } from './missing-key.js';
import { readRateLimit, type HeaderReader } from './rate-limit.js';

/**
 * A provider's SDK client, made only when a key is configured: without one some SDKs throw at
 * construction and others go looking for credentials on disk. Each call takes the client with its
 * failure context; without a key the call fails `misconfigured`, naming where the key goes.
 */
export class KeyedClient<C> {
  private readonly client: C | null;

  constructor(
    private readonly provider: string,
    private readonly settings: Pick<ProviderSettings, 'apiKey' | 'apiKeyEnv'>,
    make: (apiKey: string) => C,
  ) {
    this.client = settings.apiKey ? make(settings.apiKey) : null;
  }

  /** The client and the failure context (the key scrubbed from errors) of one call to `model`. */
  forCall(model: string): { client: C; ctx: FailureContext } {
    const ctx: FailureContext = { provider: this.provider, model, apiKey: this.settings.apiKey };
    if (!this.client)
      throw misconfiguredFailure(ctx, missingKeyText(this.provider, this.settings.apiKeyEnv));
    return { client: this.client, ctx };
  }
}

/**
 * An SDK call made `.withResponse()`: the answer mapped, with the rate-limit state its headers
 * carry (what the quota scheduler learns from); what the SDK throws, mapped to a ProviderError.
 */
export async function completeWithHeaders(
  send: () => Promise<{ data: unknown; response: { headers: HeaderReader } }>,
  map: { error: (error: unknown) => Error; response: (body: unknown) => Completion },
): Promise<Completion> {
  let answer: { data: unknown; response: { headers: HeaderReader } };
  try {
    answer = await send();
  } catch (error) {
    throw map.error(error);
  }
  const rateLimit = readRateLimit(answer.response.headers);
  return { ...map.response(answer.data), ...(rateLimit ? { rateLimit } : {}) };
}
