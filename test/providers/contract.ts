import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProviderSettings } from '../../src/config/types.js';
import type { Provider } from '../../src/providers/contract.js';
import type { CompletionRequest } from '../../src/ladder/job-schema.js';
import type { ErrorClass } from '../../src/providers/provider-error.js';
import {
  contextLength,
  hang,
  malformed,
  ok,
  reset,
  startFakeProvider,
  status,
  type FakeProvider,
  type FakeProviderName,
  type RecordedRequest,
} from '../helpers/fake-provider/server.js';
import { failure, fakeSettings, HANG_TIMEOUT_MS, HELLO, TEST_API_KEY } from './harness.js';

/** What differs between the providers for the behaviours every adapter must share. */
export interface ContractSpec<P extends Provider> {
  /** Title of the contract's `describe`, e.g. 'Anthropic adapter through @anthropic-ai/sdk'. */
  title: string;
  /** The fake-provider wire format the adapter's SDK speaks. */
  wire: FakeProviderName;
  model: string;
  create: (settings: ProviderSettings) => P;
  /** Statuses and the class each must map to; each provider lists the ones its API sends. */
  /** The plain text answer: the request to send and how `ok('Hi there')` must read back. */
  completion: {
    request: CompletionRequest;
    rawStopReason: string;
    /** What 10 fresh plus 4 cached input tokens count as (Anthropic reports them apart). */
    inputTokens: number;
    /** The wire shape of the request sent and where the key went (never into the body). */
    expectSent: (sent: RecordedRequest) => void;
  };
  statuses: ReadonlyArray<readonly [number, ErrorClass]>;
  /** A 429 with Retry-After (or its RetryInfo), and what of the error body the message keeps. */
  rateLimited: { message: string; retryAfterSeconds: number; messageContains: string };
  /** How the fake's `unknown_stop` finish reason reads on this wire. */
  unknownStopReason: string;
  /** The environment variable the SDK reads its base URL from when none is configured. */
  baseUrlEnv: string;
  /** The key variable a keyless provider must name; omitted where it is not tested. */
  apiKeyEnv?: string;
}

/** The fake server and the provider under test, set once `beforeAll` has run. */
export interface ContractHandle<P extends Provider> {
  fake: FakeProvider;
  provider: P;
}

/**
 * Registers one provider's shared behaviours (error classes, timeouts, aborts, transport faults,
 * odd answers, key and base-URL handling) against its wire format on a fresh fake server, and
 * hands the server and provider back so the caller can add the tests only its provider has.
 */
export function providerContract<P extends Provider>(spec: ContractSpec<P>): ContractHandle<P> {
  const { wire, model } = spec;
  const handle = {} as ContractHandle<P>;

  beforeAll(async () => {
    handle.fake = await startFakeProvider();
    handle.provider = spec.create(fakeSettings(handle.fake.baseUrls[wire]));
  });
  afterEach(() => handle.fake.reset());
  afterAll(async () => handle.fake.close());

  describe(spec.title, () => {
    it('completes text and maps usage with cached input tokens', async () => {
      const { request, rawStopReason, inputTokens, expectSent } = spec.completion;
      handle.fake.script(
        wire,
        model,
        ok('Hi there', { input_tokens: 10, output_tokens: 3, cached_input_tokens: 4 }),
      );
      const completion = await handle.provider.complete({ model, request, timeoutMs: 5_000 });
      expect(completion.output).toEqual({
        text: 'Hi there',
        tool_calls: [],
        stop_reason: 'end_turn',
        raw_stop_reason: rawStopReason,
      });
      expect(completion.usage).toEqual({
        input_tokens: inputTokens,
        output_tokens: 3,
        cached_input_tokens: 4,
      });
      const [sent] = handle.fake.requests(wire, model);
      if (!sent) throw new Error(`no request reached the fake ${wire} API`);
      expect(sent.rawBody).not.toContain(TEST_API_KEY);
      expectSent(sent);
    });

    it.each(spec.statuses)('classifies status %i as %s', async (code, errorClass) => {
      handle.fake.script(wire, model, status(code));
      expect(await failure(handle.provider, model)).toMatchObject({
        status: code,
        errorClass,
        kind: 'status',
      });
    });

    it('keeps the provider message and Retry-After of a 429', async () => {
      const { message, retryAfterSeconds, messageContains } = spec.rateLimited;
      handle.fake.script(wire, model, status(429, { message, retryAfterSeconds }));
      const error = await failure(handle.provider, model);
      expect(error).toMatchObject({
        errorClass: 'transient',
        status: 429,
        retryAfterMs: retryAfterSeconds * 1_000,
      });
      expect(error.message).toContain(messageContains);
    });

    it("classifies the provider's context-too-long error as context_length", async () => {
      handle.fake.script(wire, model, contextLength());
      expect(await failure(handle.provider, model)).toMatchObject({
        errorClass: 'context_length',
        status: 400,
      });
    });

    it('makes exactly one call on a 503 (SDK retries off)', async () => {
      handle.fake.script(wire, model, status(503), ok());
      await failure(handle.provider, model);
      expect(handle.fake.calls(wire, model)).toBe(1);
    });

    it('turns a hang into a transient timeout', async () => {
      handle.fake.script(wire, model, hang());
      expect(await failure(handle.provider, model, { timeoutMs: HANG_TIMEOUT_MS })).toMatchObject({
        errorClass: 'transient',
        kind: 'timeout',
      });
    });

    it("reports the caller's abort as kind aborted", async () => {
      handle.fake.script(wire, model, hang());
      const error = await failure(handle.provider, model, { signal: AbortSignal.timeout(100) });
      expect(error).toMatchObject({ errorClass: 'transient', kind: 'aborted' });
    });

    it('turns a connection reset into a transient connection error', async () => {
      handle.fake.script(wire, model, reset());
      expect(await failure(handle.provider, model)).toMatchObject({
        errorClass: 'transient',
        kind: 'connection',
      });
    });

    it('turns a body that is not JSON into a transient malformed error', async () => {
      handle.fake.script(wire, model, malformed());
      expect(await failure(handle.provider, model)).toMatchObject({
        errorClass: 'transient',
        kind: 'malformed',
      });
    });

    it('treats tool-call arguments it cannot use as a transient malformed answer', async () => {
      handle.fake.script(wire, model, { kind: 'bad_tool_arguments', name: 'lookup_invoice' });
      expect(await failure(handle.provider, model)).toMatchObject({
        errorClass: 'transient',
        kind: 'malformed',
      });
    });

    it('maps empty content, unknown finish reasons and missing usage', async () => {
      handle.fake.script(
        wire,
        model,
        { kind: 'empty' },
        { kind: 'unknown_stop' },
        { kind: 'no_usage' },
      );
      const call = () => handle.provider.complete({ model, request: HELLO, timeoutMs: 5_000 });
      expect((await call()).output).toMatchObject({ text: '', tool_calls: [] });
      expect((await call()).output).toMatchObject({
        stop_reason: 'other',
        raw_stop_reason: spec.unknownStopReason,
      });
      expect((await call()).usage).toBeNull();
    });

    const { apiKeyEnv } = spec;
    if (apiKeyEnv !== undefined) {
      it('without a key fails as misconfigured naming the variable, without calling', async () => {
        const keyless = spec.create(
          fakeSettings(handle.fake.baseUrls[wire], { apiKey: undefined, apiKeyEnv: [apiKeyEnv] }),
        );
        const error = await failure(keyless, model);
        expect(error.errorClass).toBe('misconfigured');
        expect(error.message).toContain(`set ${apiKeyEnv} or providers.${wire}.api_key`);
        expect(handle.fake.calls(wire, model)).toBe(0);
      });
    }

    it(`falls back to ${spec.baseUrlEnv} when no base URL is configured`, async () => {
      vi.stubEnv(spec.baseUrlEnv, handle.fake.baseUrls[wire]);
      try {
        const fromEnv = spec.create(fakeSettings(handle.fake.url, { baseUrl: undefined }));
        await fromEnv.complete({ model, request: HELLO, timeoutMs: 5_000 });
        expect(handle.fake.calls(wire, model)).toBe(1);
      } finally {
        vi.unstubAllEnvs();
      }
    });
  });

  return handle;
}
