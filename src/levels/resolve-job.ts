import type { JobInput, JobProblem, LevelRef } from '../ladder/job-schema.js';
import type { LadderDefinition } from './definition.js';

export interface ResolvedLevels {
  entry: number;
  floor: number;
}

function resolveRef(
  definition: LadderDefinition,
  ref: LevelRef,
  path: string,
  problems: JobProblem[],
): number | undefined {
  const count = definition.levels.length;
  if (typeof ref === 'number') {
    if (ref >= 1 && ref <= count) return ref;
    problems.push({
      path,
      message: `level ${ref} does not exist (the ladder has levels 1 to ${count})`,
    });
    return undefined;
  }
  const asNumber = /^\d+$/.test(ref) ? Number(ref) : undefined;
  if (asNumber !== undefined) return resolveRef(definition, asNumber, path, problems);
  const index = definition.levels.findIndex((l) => l.name === ref);
  if (index >= 0) return index + 1;
  const names = definition.levels.map((l) => l.name).join(', ');
  problems.push({ path, message: `unknown level "${ref}" (levels: ${names})` });
  return undefined;
}

/** Entry level from `level` or `complexity` (default 1), floor from `floor` (default the last). */
export function resolveJobLevels(
  definition: LadderDefinition,
  job: JobInput,
): { ok: true; levels: ResolvedLevels } | { ok: false; problems: JobProblem[] } {
  const problems: JobProblem[] = [];
  let entry: number | undefined = 1;
  if (job.level !== undefined && job.complexity !== undefined) {
    problems.push({ path: 'complexity', message: 'give either level or complexity, not both' });
  } else if (job.level !== undefined) {
    entry = resolveRef(definition, job.level, 'level', problems);
  } else if (job.complexity !== undefined) {
    entry = resolveRef(definition, definition.complexity[job.complexity], 'complexity', problems);
  }
  const floor =
    job.floor === undefined
      ? definition.levels.length
      : resolveRef(definition, job.floor, 'floor', problems);
  if (entry !== undefined && floor !== undefined && floor < entry) {
    problems.push({
      path: 'floor',
      message: `floor ${floor} is above the entry level ${entry}: a job only moves down the ladder`,
    });
  }
  if (problems.length > 0 || entry === undefined || floor === undefined)
    return { ok: false, problems };
  return { ok: true, levels: { entry, floor } };
}
