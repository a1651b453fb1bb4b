import OpenAI from 'openai';
import type { CompleteArgs, Completion, Provider } from '../contract.js';
import { misconfiguredFailure, type FailureContext } from '../failure.js';
import { missingKeyText } from '../missing-key.js';
import type { ProviderSettings } from '../../config/types.js';
import { mapOpenAIError } from './map-error.js';
import { mapRequest } from './map-request.js';
import { mapResponse } from './map-response.js';
import { readRateLimit } from '../rate-limit.js';
import type { StreamArgs } from '../streaming/types.js';
import { streamOpenAI } from './stream.js';

export interface OpenAIProviderOptions {
  settings: ProviderSettings;
  /** Registry name; default `openai`. */
  name?: string;
}

/** OpenAI Chat Completions through the `openai` SDK, one client for every call, SDK retries off. */
export class OpenAIProvider implements Provider {
  readonly name: string;
  private readonly client: OpenAI | null;
  private readonly apiKey: string | undefined;
  private readonly apiKeyEnv: string[];

  constructor({ settings, name = 'openai' }: OpenAIProviderOptions) {
    this.name = name;
    this.apiKey = settings.apiKey;
    this.apiKeyEnv = settings.apiKeyEnv;
    // The SDK throws at construction without a key; calls report the missing key instead.
    this.client = settings.apiKey
      ? new OpenAI({
          apiKey: settings.apiKey,
          // Undefined lets the SDK read OPENAI_BASE_URL itself.
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
      const answer = await this.client.chat.completions
        .create(mapRequest(model, request), {
          timeout: timeoutMs,
          maxRetries: 0,
          ...(signal ? { signal } : {}),
        })
        .withResponse();
      body = answer.data;
      headers = answer.response.headers;
    } catch (error) {
      throw mapOpenAIError({ ctx, error, timeoutMs, signal });
    }
    const rateLimit = readRateLimit(headers);
    return { ...mapResponse(ctx, body), ...(rateLimit ? { rateLimit } : {}) };
  }

  async stream(args: StreamArgs): Promise<Completion> {
    const ctx: FailureContext = { provider: this.name, model: args.model, apiKey: this.apiKey };
    if (!this.client) throw misconfiguredFailure(ctx, missingKeyText(this.name, this.apiKeyEnv));
    return streamOpenAI(this.client, ctx, args);
  }
}
