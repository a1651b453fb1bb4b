import type { JobResult } from '../ladder/result.js';
import type { Usage } from '../providers/contract.js';
import type { ErrorClass } from '../providers/provider-error.js';
import {
  costUsdTotal,
  jobsTotal,
  providerCallSeconds,
  providerErrorsTotal,
  quotaWaitSeconds,
  quotaWaitsTotal,
  rateLimitedTotal,
  tokensTotal,
} from './registry.js';

/** Called by a worker once per job that reached a final status. */
export function recordJobFinished(result: JobResult): void {
  jobsTotal.inc({
    outcome: result.status,
    level: result.level_name,
    source: result.source ?? 'none',
  });
  const waited = result.timing.quota_wait_ms ?? 0;
  if (waited > 0) quotaWaitSeconds.observe({ level: result.level_name }, waited / 1000);
  if (typeof result.cost_usd === 'number' && result.cost_usd > 0) {
    costUsdTotal.inc(
      {
        level: result.level_name,
        provider: result.provider ?? 'none',
        model: result.model ?? 'none',
      },
      result.cost_usd,
    );
  }
}

export interface ProviderCallRecord {
  provider: string;
  model: string;
  latencyMs: number;
  /** Null when the call succeeded. */
  errorClass: ErrorClass | null;
  usage?: Usage | null;
}

/** Called by a worker after every provider call, successful or not. */
export function recordProviderCall(call: ProviderCallRecord): void {
  const { provider, model } = call;
  providerCallSeconds.observe(
    { provider, model, outcome: call.errorClass ?? 'ok' },
    Math.max(0, call.latencyMs) / 1000,
  );
  if (call.errorClass !== null)
    providerErrorsTotal.inc({ provider, model, class: call.errorClass });
  const usage = call.usage;
  if (usage) {
    tokensTotal.inc({ provider, model, direction: 'input' }, usage.input_tokens);
    tokensTotal.inc({ provider, model, direction: 'output' }, usage.output_tokens);
    if (usage.cached_input_tokens) {
      tokensTotal.inc({ provider, model, direction: 'cached_input' }, usage.cached_input_tokens);
    }
  }
}

/** Called when a job is put back to wait for a target's quota. */
export function recordQuotaWait(wait: { provider: string; model: string; reason: string }): void {
  quotaWaitsTotal.inc(wait);
}

/** Called for every 429 / RESOURCE_EXHAUSTED answer. */
export function recordRateLimited(target: { provider: string; model: string }): void {
  rateLimitedTotal.inc({ provider: target.provider, model: target.model });
}
