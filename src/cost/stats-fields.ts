/**
 * Field names of the hour and day stats hashes (`keys.statsHour`, `keys.statsDay`). Money is kept as
 * integer nano-USD (HINCRBY), so sums are exact however many workers add to them. A name that ends
 * in a target or an agent takes the rest of the field after the known prefix, whatever it contains.
 */
export const F = {
  jobs: 'jobs',
  completed: 'completed',
  failed: 'failed',
  /** Jobs whose cost was unknown (no price, or no usage from the provider). */
  unpriced: 'unpriced',
  served: (level: number) => `served:${level}`,
  failedAt: (level: number) => `failed_at:${level}`,
  source: (source: string) => `source:${source}`,
  latency: (level: number, bucket: number) => `lat:${level}:${bucket}`,
  calls: (target: string) => `calls:${target}`,
  errors: (errorClass: string, target: string) => `err:${errorClass}:${target}`,
  failovers: 'failovers',
  failoverReason: (reason: string) => `failover:${reason}`,
  cacheHits: 'cache_hits',
  cacheSavedNusd: 'cache_saved_nusd',
  costNusd: 'cost_nusd',
  entryCostNusd: 'entry_cost_nusd',
  levelCostNusd: (level: number) => `level_cost_nusd:${level}`,
  targetCostNusd: (target: string) => `target_cost_nusd:${target}`,
  agentCostNusd: (agent: string) => `agent_cost_nusd:${agent}`,
  agentJobs: (agent: string) => `agent_jobs:${agent}`,
  /** Jobs that waited for quota at least once, and their summed wait. */
  quotaWaited: 'quota_waited',
  quotaWaitMs: 'quota_wait_ms',
  /** Jobs that moved on from a target because its quota would not free up in time. */
  quotaDegraded: 'quota_degraded',
} as const;

/** Budget spend hash fields (`keys.budgetSpend`). */
export const BUDGET_FIELD = {
  level: (name: string) => `level:${name}`,
  agent: (name: string) => `agent:${name}`,
} as const;

export function toNusd(usd: number): number {
  return Math.round(usd * 1e9);
}

export function fromNusd(nusd: number): number {
  return Number((nusd / 1e9).toFixed(9));
}

/**
 * Latency histogram: 10 buckets per decade of milliseconds. Bucket 0 holds [0, 1) ms; bucket b ≥ 1
 * holds [10^((b-1)/10), 10^(b/10)). A percentile read back as its bucket's geometric middle is
 * within about 12% of the true value, whatever the traffic, in a fixed number of hash fields.
 */
export const MAX_LATENCY_BUCKET = 80;

export function latencyBucket(ms: number): number {
  if (!(ms >= 1)) return 0;
  return Math.min(MAX_LATENCY_BUCKET, 1 + Math.floor(10 * Math.log10(ms)));
}

export function bucketMiddleMs(bucket: number): number {
  return bucket <= 0 ? 0 : Math.round(10 ** ((bucket - 0.5) / 10));
}

/** Nearest-rank percentile (0 < p ≤ 1) of a histogram; null when it is empty. */
export function histogramPercentile(counts: ReadonlyMap<number, number>, p: number): number | null {
  const buckets = [...counts].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const total = buckets.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const [bucket, n] of buckets) {
    seen += n;
    if (seen >= rank) return bucketMiddleMs(bucket);
  }
  return bucketMiddleMs(buckets.at(-1)![0]);
}
