import type { RedisClient } from '../util/redis.js';
import type { LadderDefinition } from '../levels/definition.js';
import type { Keys } from '../ladder/keys.js';
import { buildReport } from './report.js';
import type { Report } from './report-types.js';

/** `LadderOps.report` for a client over Redis. */
export function reportFor(
  ops: { definition(): Promise<LadderDefinition> },
  redis: RedisClient,
  keys: Keys,
): (range: { sinceMs: number; untilMs?: number }) => Promise<Report> {
  return async (range) =>
    buildReport({
      redis,
      keys,
      definition: await ops.definition(),
      since: range.sinceMs,
      until: range.untilMs,
    });
}
