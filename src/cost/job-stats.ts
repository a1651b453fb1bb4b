import type { LevelConfig } from '../config/types.js';
import type { JobResult } from '../ladder/result.js';
import type { Usage } from '../providers/contract.js';
import { costOfUsage } from './cost-fn.js';
import type { PriceLookup } from './prices.js';
import { F, latencyBucket, toNusd } from './stats-fields.js';

export interface JobStats {
  /** Stats hash field → amount to add. */
  fields: Map<string, number>;
  /** Spend to add to the budget hashes (nano-USD); zero when the job cost nothing. */
  spend: { level: string; agent?: string; nusd: number };
}

function add(fields: Map<string, number>, field: string, amount = 1): void {
  if (amount !== 0) fields.set(field, (fields.get(field) ?? 0) + amount);
}

export function agentOf(result: Pick<JobResult, 'metadata'>): string | undefined {
  const agent = result.metadata?.agent;
  return typeof agent === 'string' && agent !== '' ? agent : undefined;
}

/**
 * What the job would have cost at the first target of its entry level: the same tokens at that
 * target's price. Falls back to the actual cost when that cannot be known (no usage, as for static
 * answers; no price; an entry level that is not an LLM level), so such a job shows no saving.
 */
export function entryLevelCost(input: {
  result: JobResult;
  levels: LevelConfig[];
  prices: PriceLookup;
  usage: Usage | null;
  actualUsd: number;
}): number {
  const entry = input.levels[input.result.entry_level - 1];
  const first = entry?.kind === 'llm' ? entry.targets[0] : undefined;
  const price = first ? input.prices(first.id) : undefined;
  if (!price || !input.usage) return input.actualUsd;
  return costOfUsage(price, input.usage);
}

/** Why a degraded job left each level above the one that served it: error classes and skip reasons. */
export function failoverReasons(result: JobResult): string[] {
  const reasons = new Set<string>();
  for (const a of result.attempts) {
    if (a.level >= result.level || a.level < result.entry_level) continue;
    if (a.outcome === 'error' && a.class) reasons.add(a.class);
    if (a.outcome === 'skipped' && a.reason) reasons.add(a.reason);
  }
  return reasons.size > 0 ? [...reasons] : ['unknown'];
}

/**
 * Everything one finished job adds to the running totals. `cachedUsage` is the usage of the answer
 * a cache hit served (the tokens the hit saved). Pure, so the arithmetic is tested without Redis.
 */
export function jobStats(input: {
  result: JobResult;
  levels: LevelConfig[];
  prices: PriceLookup;
  cachedUsage?: Usage | null;
}): JobStats {
  const { result } = input;
  const fields = new Map<string, number>();
  const actualUsd = typeof result.cost_usd === 'number' ? result.cost_usd : 0;
  const agent = agentOf(result);
  add(fields, F.jobs);
  add(fields, result.status === 'completed' ? F.completed : F.failed);
  if (result.status === 'completed') {
    add(fields, F.served(result.level));
    add(fields, F.latency(result.level, latencyBucket(result.timing.total_ms ?? 0)));
    if (result.source) add(fields, F.source(result.source));
  } else {
    add(fields, F.failedAt(result.level));
  }
  if (result.status === 'completed' && result.source === 'llm' && result.cost_usd == null)
    add(fields, F.unpriced);

  for (const a of result.attempts) {
    if ((a.outcome !== 'ok' && a.outcome !== 'error') || !a.provider || !a.model) continue;
    const target = `${a.provider}/${a.model}`;
    add(fields, F.calls(target));
    if (a.outcome === 'error' && a.class && a.class !== 'deadline')
      add(fields, F.errors(a.class, target));
  }

  const waited = result.timing.quota_wait_ms ?? 0;
  if (waited > 0) {
    add(fields, F.quotaWaited);
    add(fields, F.quotaWaitMs, Math.round(waited));
  }
  if (result.attempts.some((a) => a.outcome === 'skipped' && a.reason === 'quota'))
    add(fields, F.quotaDegraded);

  if (result.status === 'completed' && result.degraded) {
    add(fields, F.failovers);
    for (const reason of failoverReasons(result)) add(fields, F.failoverReason(reason));
  }

  const usage = result.source === 'cache' ? (input.cachedUsage ?? null) : (result.usage ?? null);
  const entryUsd =
    result.status === 'completed'
      ? entryLevelCost({ result, levels: input.levels, prices: input.prices, usage, actualUsd })
      : 0;
  if (result.source === 'cache') {
    add(fields, F.cacheHits);
    add(fields, F.cacheSavedNusd, toNusd(entryUsd));
  }
  const nusd = toNusd(actualUsd);
  add(fields, F.costNusd, nusd);
  add(fields, F.entryCostNusd, toNusd(entryUsd));
  add(fields, F.levelCostNusd(result.level), nusd);
  if (result.provider && result.model)
    add(fields, F.targetCostNusd(`${result.provider}/${result.model}`), nusd);
  if (agent) {
    add(fields, F.agentJobs(agent));
    add(fields, F.agentCostNusd(agent), nusd);
  }
  const spend: JobStats['spend'] = { level: result.level_name, nusd };
  if (agent) spend.agent = agent;
  return { fields, spend };
}
