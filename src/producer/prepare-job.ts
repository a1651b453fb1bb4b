import { randomUUID } from 'node:crypto';
import type { LevelConfig } from '../config/types.js';
import { firstAvailableLevel, type LevelAvailability } from '../levels/availability.js';
import type { LadderDefinition } from '../levels/definition.js';
import { META_KEY, type LadderJobData, type LadderJobMeta } from '../jobs/job-data.js';
import { jobAgent, reparseJob, type JobProblem, type ValidJob } from '../ladder/job-schema.js';
import { resolveJobLevels } from '../levels/resolve-job.js';
import type { Attempt, JobResult } from '../ladder/result.js';
import { initialRecord } from '../jobs/records.js';
import type { Problem } from '../ladder/problem.js';
import { JobValidationError } from './errors.js';

/** A validated job, routed to its entry queue, ready to be written. */
export interface PreparedJob {
  id: string;
  /** Whether the caller chose the id (and so a duplicate is possible). */
  idGiven: boolean;
  level: LevelConfig;
  data: LadderJobData & ValidJob;
  record: JobResult;
}

export type PrepareResult = { ok: true; job: PreparedJob } | { ok: false; problems: JobProblem[] };

/**
 * Picks the queue a validated job enters (it is not checked again here: see `ValidJob`): its
 * entry level, or the first level below that takes new jobs (down, paused and spent levels are
 * skipped and say so in the attempts). A level or floor this ladder lacks is a result, so a batch
 * can name every bad job.
 */
export function prepareJob(input: {
  job: ValidJob;
  definition: LadderDefinition;
  availability: LevelAvailability;
  nowMs: number;
  prefer?: string;
}): PrepareResult {
  const { job } = input;
  const resolved = resolveJobLevels(input.definition, job);
  if (!resolved.ok) return resolved;
  const { entry, floor } = resolved.levels;
  const agent = jobAgent(job);
  const found = firstAvailableLevel({
    levels: input.definition.levels,
    from: entry,
    floor,
    availability: input.availability,
    context: { agent },
  });
  // With nothing available down to the floor, the floor's own worker ends the job with the reasons.
  const enterAt = found.level ?? floor;
  const level = input.definition.levels[enterAt - 1];
  if (!level) throw new Error(`the ladder has no level ${enterAt}`);
  // Most jobs skip nothing: no timestamp or arrays for them.
  const skipped = found.skipped.filter((s) => s.level.level < enterAt);
  const at = skipped.length > 0 ? new Date(input.nowMs).toISOString() : '';
  const attempts: Attempt[] = skipped.map((s) => ({
    level: s.level.level,
    level_name: s.level.name,
    outcome: 'skipped',
    reason: s.reason,
    at,
  }));
  const id = job.id ?? `j_${randomUUID().replaceAll('-', '')}`;
  const meta: LadderJobMeta = { entry_level: entry, floor, enqueued_at: input.nowMs };
  if (input.prefer) meta.prefer = input.prefer;
  const record = initialRecord({ id, job, meta, level, status: 'queued' });
  record.attempts = attempts;
  return {
    ok: true,
    job: {
      id,
      idGiven: job.id !== undefined,
      level,
      // Object.assign, not a spread with more keys after it: V8 copies that ten times slower.
      data: Object.assign({}, job, { id, [META_KEY]: meta }),
      record,
    },
  };
}

/**
 * The one check and walk of a job on its way in; what it hands on is a ValidJob, not checked again.
 * A plain job is checked by hand (plain-job.ts, the worker's check too), anything else by zod,
 * whose messages every rejected job gets.
 */
export function parseAndPrepare(
  raw: unknown,
  route: Omit<Parameters<typeof prepareJob>[0], 'job'>,
): PrepareResult {
  const parsed = reparseJob(raw);
  return parsed.ok ? prepareJob(Object.assign({ job: parsed.job }, route)) : parsed;
}

/**
 * Every job of a batch checked before any is written: the jobs, or a JobValidationError naming
 * every bad one by its index, not only the first.
 */
export function prepareBatch(
  raws: readonly unknown[],
  route: Omit<Parameters<typeof prepareJob>[0], 'job'>,
): PreparedJob[] {
  const jobs: PreparedJob[] = [];
  const problems: Problem[] = [];
  raws.forEach((raw, index) => {
    const prepared = parseAndPrepare(raw, route);
    if (prepared.ok) jobs.push(prepared.job);
    else problems.push(...prepared.problems.map((p) => ({ ...p, index })));
  });
  if (problems.length > 0) throw new JobValidationError(problems, { batchSize: raws.length });
  return jobs;
}

/** One job checked before it is written: the job, or a JobValidationError naming its problems. */
export function prepareOne(
  raw: unknown,
  route: Omit<Parameters<typeof prepareJob>[0], 'job'>,
): PreparedJob {
  const prepared = parseAndPrepare(raw, route);
  if (!prepared.ok) throw new JobValidationError(prepared.problems);
  return prepared.job;
}
