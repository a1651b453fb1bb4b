import Anthropic from '@anthropic-ai/sdk';
import type { CompleteArgs, Completion, Provider } from '../contract.js';
import { misconfiguredFailure, type FailureContext } from '../failure.js';
import type { ProviderSettings } from '../../config/types.js';
import { missingKeyText } from '../missing-key.js';
import { mapAnthropicError } from './map-error.js';
import { mapRequest } from './map-request.js';
import { mapResponse } from './map-response.js';
import { readRateLimit } from '../rate-limit.js';
import type { StreamArgs } from '../streaming/types.js';
import { streamAnthropic } from './stream.js';

export interface AnthropicProviderOptions {
  settings: ProviderSettings;
  /** Registry name; default `anthropic`. */
  name?: string;
}

/** Claude through `@anthropic-ai/sdk`, one client for every call, SDK retries off. */
export class AnthropicProvider implements Provider {
  readonly name: string;
  /** A trailing assistant message is continued (prefill), so a cut answer can be finished. */
  readonly continuesPrefill = true;
  private readonly client: Anthropic | null;
  private readonly apiKey: string | undefined;
  private readonly apiKeyEnv: string[];

  constructor({ settings, name = 'anthropic' }: AnthropicProviderOptions) {
    this.name = name;
    this.apiKey = settings.apiKey;
    this.apiKeyEnv = settings.apiKeyEnv;
    // Without a key the SDK would go looking for profiles on disk; we report the missing key instead.
    this.client = settings.apiKey
      ? new Anthropic({
          apiKey: settings.apiKey,
          // Undefined lets the SDK read ANTHROPIC_BASE_URL itself.
          baseURL: settings.baseUrl,
          maxRetries: 0,
          timeout: settings.timeoutMs,
        })
      : null;
  }

  async complete({ model, request, timeoutMs, signal }: CompleteArgs): Promise<Completion> {
    const ctx: FailureContext = { provider: this.name, model, apiKey: this.apiKey };
    if (!this.client) {
      throw misconfiguredFailure(ctx, missingKeyText(this.name, this.apiKeyEnv));
    }
    let body: unknown;
    let headers: Headers | null = null;
    try {
      // withResponse: the headers carry the rate-limit state the quota scheduler learns from.
      const answer = await this.client.messages
        .create(mapRequest(model, request), {
          timeout: timeoutMs,
          maxRetries: 0,
          ...(signal ? { signal } : {}),
        })
        .withResponse();
      body = answer.data;
      headers = answer.response.headers;
    } catch (error) {
      throw mapAnthropicError({ ctx, error, timeoutMs, signal });
    }
    const rateLimit = readRateLimit(headers);
    return { ...mapResponse(ctx, body), ...(rateLimit ? { rateLimit } : {}) };
  }

  async stream(args: StreamArgs): Promise<Completion> {
    const ctx: FailureContext = { provider: this.name, model: args.model, apiKey: this.apiKey };
    if (!this.client) throw misconfiguredFailure(ctx, missingKeyText(this.name, this.apiKeyEnv));
    return streamAnthropic(this.client, ctx, args);
  }
}
