import type { CompleteArgs, Completion, Provider } from '../contract.js';
import { abortedFailure, statusFailure, timeoutFailure, type FailureContext } from '../failure.js';
import type { SimulatedSettings } from '../../config/types.js';
import { simulatedCompletion } from './simulated-output.js';
import { simulateLatency } from './wait.js';
import type { StreamArgs } from '../streaming/types.js';
import { continuePrefill, streamSimulated } from './stream.js';

/** Matches every model in `setOutage`. */
export const ALL_MODELS = '*';

export interface SimulatedProviderOptions {
  settings: SimulatedSettings;
  /** Registry name; default `simulated`. */
  name?: string;
  /** Source for `failureRate` draws, in [0, 1). Default `Math.random`; tests pass a fixed one. */
  random?: () => number;
  /**
   * An outage source outside this process (e.g. a flag the demo keeps in Redis), asked on every
   * call besides `setOutage`. Default: none.
   */
  isDown?: (model: string) => boolean;
}

const STATUS_TEXT: Record<number, string> = {
  429: 'rate_limit_error: simulated rate limit',
  500: 'api_error: simulated internal error',
  502: 'bad_gateway: simulated bad gateway',
  503: 'unavailable: simulated outage',
  529: 'overloaded_error: simulated overload',
};

/**
 * The in-process provider behind `simulated/<model>` targets: no keys, no network, deterministic
 * answers, with latency, random failures and outages to show the ladder at work.
 */
export class SimulatedProvider implements Provider {
  readonly name: string;
  readonly continuesPrefill = true;
  private readonly settings: SimulatedSettings;
  private readonly random: () => number;
  private readonly isDownOutside: ((model: string) => boolean) | undefined;
  private readonly outages = new Set<string>();
  private readonly invalidModels = new Set<string>();

  constructor({
    settings,
    name = 'simulated',
    random = Math.random,
    isDown,
  }: SimulatedProviderOptions) {
    this.name = name;
    this.settings = settings;
    this.random = random;
    this.isDownOutside = isDown;
  }

  /** Takes one model (or every model with `*`) down or back up; every call fails with 503 meanwhile. */
  setOutage(model: string, down: boolean): void {
    if (down) this.outages.add(model);
    else this.outages.delete(model);
  }

  /** Makes one model (or every model with `*`) answer JSON that fails its schema, or stop. */
  setInvalidOutput(model: string, invalid: boolean): void {
    if (invalid) this.invalidModels.add(model);
    else this.invalidModels.delete(model);
  }

  private answersInvalid(model: string): boolean {
    if (this.invalidModels.has(ALL_MODELS) || this.invalidModels.has(model)) return true;
    const rate = this.settings.invalidOutputRate ?? 0;
    return rate > 0 && this.random() < rate;
  }

  isDown(model: string): boolean {
    return (
      this.outages.has(ALL_MODELS) ||
      this.outages.has(model) ||
      (this.isDownOutside?.(model) ?? false)
    );
  }

  async complete(args: CompleteArgs): Promise<Completion> {
    return continuePrefill(args.request, await this.answer(args));
  }

  /** The answer word by word, `providers.simulated.chunk_delay_ms` apart. */
  async stream(args: StreamArgs): Promise<Completion> {
    const completion = await this.complete(args);
    const streamed = await streamSimulated({
      args,
      completion,
      chunkDelayMs: this.settings.chunkDelayMs,
      pause: async (ms, signal) =>
        (await simulateLatency({ latencyMs: ms, timeoutMs: 0, signal })) === 'elapsed',
    });
    if (streamed === null) throw abortedFailure({ provider: this.name, model: args.model });
    return streamed;
  }

  private async answer({ model, request, timeoutMs, signal }: CompleteArgs): Promise<Completion> {
    const ctx: FailureContext = { provider: this.name, model };
    if (signal?.aborted) throw abortedFailure(ctx);
    // A provider that is down answers at once; it does not make the caller wait.
    if (this.isDown(model))
      throw statusFailure(ctx, { status: 503, message: 'unavailable: simulated outage' });
    const outcome = await simulateLatency({
      latencyMs: this.settings.latencyMs,
      timeoutMs,
      signal,
    });
    if (outcome === 'aborted') throw abortedFailure(ctx);
    if (outcome === 'timeout') throw timeoutFailure(ctx, timeoutMs);
    if (this.settings.failureRate > 0 && this.random() < this.settings.failureRate) {
      const status = this.settings.failStatus;
      throw statusFailure(ctx, { status, message: STATUS_TEXT[status] ?? 'simulated failure' });
    }
    const rate = this.settings.toolCallRate ?? 0;
    return simulatedCompletion(model, request, {
      invalid: this.answersInvalid(model),
      toolCall: rate > 0 && this.random() < rate,
    });
  }
}
