import { WaitingError } from 'bullmq';
import type { Attempt, JobResult } from '../ladder/result.js';
import type { LevelJob, WorkerContext } from './context.js';

/**
 * A job whose provider call this process cut on shutdown goes straight back to its queue, its
 * record queued again with the trail so far, so another worker takes it now rather than after its
 * lock lapses; BullMQ is told (WaitingError) that the processor moved it itself. Never returns.
 */
export async function requeueInterrupted(
  ctx: WorkerContext,
  s: {
    job: Pick<LevelJob, 'moveToWait'>;
    token: string | undefined;
    record: JobResult;
    trail: Attempt[];
  },
): Promise<never> {
  await ctx.results.write(
    { ...s.record, status: 'queued', attempts: s.trail },
    { requireStatus: 'active' },
  );
  await s.job.moveToWait(s.token);
  ctx.logger.info(
    { job_id: s.record.id },
    'job put back on its queue: this worker is shutting down',
  );
  throw new WaitingError();
}
