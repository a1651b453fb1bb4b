import OpenAI from 'openai';
import type { CompleteArgs, Completion, Provider } from '../contract.js';
import { sdkFetchFor } from '../http/sdk-fetch.js';
import { completeWithHeaders, KeyedClient } from '../keyed-client.js';
import type { ProviderSettings } from '../../config/types.js';
import { mapOpenAIError } from './map-error.js';
import { mapRequest } from './map-request.js';
import { mapResponse } from './map-response.js';
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
  private readonly sdk: KeyedClient<OpenAI>;

  constructor({ settings, name = 'openai' }: OpenAIProviderOptions) {
    this.name = name;
    // The SDK throws at construction without a key; calls report the missing key instead.
    this.sdk = new KeyedClient(
      name,
      settings,
      (apiKey) =>
        new OpenAI({
          apiKey,
          // Undefined lets the SDK read OPENAI_BASE_URL itself.
          baseURL: settings.baseUrl,
          maxRetries: 0,
          timeout: settings.timeoutMs,
          fetch: sdkFetchFor(settings),
        }),
    );
  }

  async complete({ model, request, timeoutMs, signal }: CompleteArgs): Promise<Completion> {
    const { client, ctx } = this.sdk.forCall(model);
    return completeWithHeaders(
      () =>
        client.chat.completions
          .create(mapRequest(model, request), {
            timeout: timeoutMs,
            maxRetries: 0,
            ...(signal ? { signal } : {}),
          })
          .withResponse(),
      {
        error: (error) => mapOpenAIError({ ctx, error, timeoutMs, signal }),
        response: (body) => mapResponse(ctx, body),
      },
    );
  }

  async stream(args: StreamArgs): Promise<Completion> {
    const { client, ctx } = this.sdk.forCall(args.model);
    return streamOpenAI(client, ctx, args);
  }
}
