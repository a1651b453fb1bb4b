import {
  recordJobFinished,
  recordProviderCall,
  recordQuotaWait,
  recordRateLimited,
} from '../metrics/record.js';
import type { WorkerObserver } from '../jobs/hooks.js';

/** Feeds this process's Prometheus registry from its own workers. */
export const metricsObserver: WorkerObserver = {
  providerCall: (call) =>
    recordProviderCall({
      provider: call.target.provider,
      model: call.target.model,
      latencyMs: call.latencyMs,
      errorClass: call.errorClass,
      usage: call.usage,
    }),
  jobFinished: (result) => recordJobFinished(result),
  quotaWait: (wait) =>
    recordQuotaWait({
      provider: wait.target.provider,
      model: wait.target.model,
      reason: wait.reason,
    }),
  rateLimited: (call) => recordRateLimited(call.target),
};
