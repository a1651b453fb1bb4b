import { GoogleGenAI, type HttpOptions } from '@google/genai';
import type { CompleteArgs, Completion, Provider } from '../contract.js';
import { sdkFetchFor } from '../http/sdk-fetch.js';
import { KeyedClient } from '../keyed-client.js';
import type { ProviderSettings } from '../../config/types.js';
import { mapGoogleError } from './map-error.js';
import { mapRequest } from './map-request.js';
import { mapResponse } from './map-response.js';
import type { StreamArgs } from '../streaming/types.js';
import { streamGoogle } from './stream.js';

export interface GoogleProviderOptions {
  settings: ProviderSettings;
  /** Registry name; default `google`. */
  name?: string;
}

/**
 * Gemini through `@google/genai` (Gemini API, not Vertex). No `retryOptions`, so the SDK makes
 * exactly one request per call.
 */
export class GoogleProvider implements Provider {
  readonly name: string;
  private readonly sdk: KeyedClient<GoogleGenAI>;

  constructor({ settings, name = 'google' }: GoogleProviderOptions) {
    this.name = name;
    const httpOptions: HttpOptions = { timeout: settings.timeoutMs };
    // Left unset, the SDK reads GOOGLE_GEMINI_BASE_URL itself (checked in @google/genai 2.x).
    if (settings.baseUrl) httpOptions.baseUrl = settings.baseUrl;
    // The SDK turns undici's 300 s header and body limits off for the global fetch; so do we.
    const fetch = sdkFetchFor(settings, { noUndiciTimeouts: true });
    if (fetch) httpOptions.fetch = fetch;
    // vertexai: false so GOOGLE_GENAI_USE_VERTEXAI in the environment cannot switch backends.
    this.sdk = new KeyedClient(
      name,
      settings,
      (apiKey) => new GoogleGenAI({ apiKey, vertexai: false, httpOptions }),
    );
  }

  async complete({ model, request, timeoutMs, signal }: CompleteArgs): Promise<Completion> {
    const { client, ctx } = this.sdk.forCall(model);
    const params = mapRequest(model, request);
    // Per-request httpOptions are merged over the client's, so the base URL stays.
    params.config = {
      ...params.config,
      httpOptions: { timeout: timeoutMs },
      ...(signal ? { abortSignal: signal } : {}),
    };
    let body: unknown;
    try {
      body = await client.models.generateContent(params);
    } catch (error) {
      throw mapGoogleError({ ctx, error, timeoutMs, signal });
    }
    return mapResponse(ctx, body);
  }

  async stream(args: StreamArgs): Promise<Completion> {
    const { client, ctx } = this.sdk.forCall(args.model);
    return streamGoogle(client, ctx, args);
  }
}
