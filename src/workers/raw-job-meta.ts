import type { LevelConfig } from '../config/types.js';
import type { LadderJobMeta } from '../jobs/job-data.js';
import type { JobInput } from '../ladder/job-schema.js';
import { resolveJobLevels } from '../levels/resolve-job.js';

export type MetaResult = { ok: true; meta: LadderJobMeta } | { ok: false; message: string };

/**
 * The routing facts of a job at `level`: those the producer gave, or, for a raw BullMQ job that
 * carries none, derived here: the queue it was added to is its entry level and its own `floor`
 * (default the last level) its floor. Worker and sweep both use this, so a raw job swept off a
 * down level keeps the floor it asked for.
 */
export function jobMetaAt(
  levels: readonly LevelConfig[],
  level: LevelConfig,
  job: JobInput,
  given: LadderJobMeta | undefined,
  enqueuedAt: number,
): MetaResult {
  if (given) return { ok: true, meta: given };
  // The queue is the entry level of a raw job, but a level it names must at least exist.
  const named = job.level;
  if (named !== undefined && !levels.some((l) => l.name === named || l.level === named)) {
    return {
      ok: false,
      message: `level: the ladder has no level ${JSON.stringify(named)} (levels: ${levels.map((l) => l.name).join(', ')})`,
    };
  }
  const resolved = resolveJobLevels(
    {
      version: 1,
      levels: [...levels],
      complexity: { simple: 1, standard: 1, complex: 1 },
      max_queue_depth: null,
    },
    { ...job, level: undefined, complexity: undefined },
  );
  if (!resolved.ok)
    return {
      ok: false,
      message: resolved.problems.map((p) => `${p.path}: ${p.message}`).join('; '),
    };
  if (resolved.levels.floor < level.level)
    return {
      ok: false,
      message: `floor: floor ${resolved.levels.floor} is above level ${level.level}, the queue this job was added to`,
    };
  return {
    ok: true,
    meta: { entry_level: level.level, floor: resolved.levels.floor, enqueued_at: enqueuedAt },
  };
}
