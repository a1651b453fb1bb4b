import Anthropic from '@anthropic-ai/sdk';
import type { CompleteArgs, Completion, Provider } from '../contract.js';
import { sdkFetchFor } from '../http/sdk-fetch.js';
import { completeWithHeaders, KeyedClient } from '../keyed-client.js';
import type { ProviderSettings } from '../../config/types.js';
import { mapAnthropicError } from './map-error.js';
import { mapRequest } from './map-request.js';
import { mapResponse } from './map-response.js';
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
  private readonly sdk: KeyedClient<Anthropic>;

  constructor({ settings, name = 'anthropic' }: AnthropicProviderOptions) {
    this.name = name;
    // Without a key the SDK would go looking for profiles on disk; we report the missing key instead.
    this.sdk = new KeyedClient(
      name,
      settings,
      (apiKey) =>
        new Anthropic({
          apiKey,
          // Undefined lets the SDK read ANTHROPIC_BASE_URL itself.
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
        client.messages
          .create(mapRequest(model, request), {
            timeout: timeoutMs,
            maxRetries: 0,
            ...(signal ? { signal } : {}),
          })
          .withResponse(),
      {
        error: (error) => mapAnthropicError({ ctx, error, timeoutMs, signal }),
        response: (body) => mapResponse(ctx, body),
      },
    );
  }

  async stream(args: StreamArgs): Promise<Completion> {
    const { client, ctx } = this.sdk.forCall(args.model);
    return streamAnthropic(client, ctx, args);
  }
}
