/**
 * Every Redis key and channel llm-ladder uses, built in one place. The prefix is the BullMQ prefix
 * too; give it a hash tag (`{ladder}`) on Redis Cluster so that every key shares one slot and the
 * Lua scripts may touch several at once.
 */
export interface Keys {
  readonly prefix: string;
  /** JSON ladder definition, published by every process that starts from a config. */
  ladder(): string;
  /** A job's result record (JSON, TTL `results.ttl`). */
  result(id: string): string;
  /**
   * A raw producer's BullMQ job id → the ladder id of its record, when the two differ (string, TTL
   * `results.ttl`), so that the job is findable by either.
   */
  resultAlias(bullId: string): string;
  /**
   * Pub/sub channel announcing final results (message: the job id), and aliases a raw producer's
   * BullMQ id gets. Public: raw-BullMQ users subscribe to it (docs/raw-bullmq.md).
   */
  resultsChannel(): string;
  /**
   * Pub/sub channel announcing final records themselves (message: the job id, a newline, the
   * record JSON), published just before the id on `resultsChannel`, so a waiter needs no read back.
   * Always `resultsChannel()` + `:records`: the Lua scripts derive it so.
   */
  resultRecordsChannel(): string;
  /** Response cache entry (TTL `cache.ttl`). */
  cache(hash: string): string;
  /** Breaker state hash for one target. */
  breaker(target: string): string;
  /** Sliding-window call log of one target's breaker. */
  breakerWindow(target: string): string;
  /** Last errors of one target's breaker (list of JSON records, newest first). */
  breakerErrors(target: string): string;
  /** Pub/sub channel announcing breaker transitions. */
  breakerChannel(): string;
  /** Level flags: who paused a level (`breaker`, `operator`). */
  levelState(level: string): string;
  /** Hash level name → who paused its queue: `breaker` or `operator` (no TTL: owned by the ladder). */
  levelPauses(): string;
  /** Short lock taken by the process that pauses, resumes or sweeps a level. */
  levelLock(level: string): string;
  /** Pub/sub channel announcing level state changes. */
  levelChannel(): string;
  /** Cost and traffic totals of one UTC hour (`2026112514`), a hash; TTL 8 days. */
  statsHour(hour: string): string;
  /** Cost and traffic totals of one UTC day (`20261125`), a hash; TTL 400 days. */
  statsDay(day: string): string;
  /** Budget spend of one period (`2026-11-25` or `2026-11`), a hash of nano-USD by level and agent. */
  budgetSpend(period: string): string;
  /** One target's breaker transitions (sorted set scored by time), for time spent open; TTL 8 days. */
  breakerLog(target: string): string;
  /** A streamed job's events (Redis Stream: delta, attempt, restart, final); TTL `results.ttl`. */
  jobStream(id: string): string;
  /** Any other ladder-owned key, under the prefix. */
  custom(...parts: string[]): string;
}

export function createKeys(prefix: string): Keys {
  const k = (...parts: string[]): string => [prefix, ...parts].join(':');
  return {
    prefix,
    ladder: () => k('ladder', 'definition'),
    result: (id) => k('ladder', 'result', id),
    resultAlias: (bullId) => k('ladder', 'alias', bullId),
    resultsChannel: () => k('ladder', 'results'),
    resultRecordsChannel: () => k('ladder', 'results', 'records'),
    cache: (hash) => k('ladder', 'cache', hash),
    breaker: (target) => k('ladder', 'breaker', target),
    breakerWindow: (target) => k('ladder', 'breaker', target, 'window'),
    breakerErrors: (target) => k('ladder', 'breaker', target, 'errors'),
    breakerChannel: () => k('ladder', 'breaker-events'),
    levelState: (level) => k('ladder', 'level', level),
    levelChannel: () => k('ladder', 'level-events'),
    levelPauses: () => k('ladder', 'level-pauses'),
    levelLock: (level) => k('ladder', 'level', level, 'lock'),
    statsHour: (hour) => k('ladder', 'stats', 'h', hour),
    statsDay: (day) => k('ladder', 'stats', 'd', day),
    budgetSpend: (period) => k('ladder', 'budget', period),
    breakerLog: (target) => k('ladder', 'breaker', target, 'log'),
    jobStream: (id) => k('ladder', 'stream', id),
    custom: (...parts) => k('ladder', ...parts),
  };
}
