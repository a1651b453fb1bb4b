import type { Job } from 'bullmq';

/**
 * Whether a run still holds its BullMQ job. A worker starved of CPU for longer than the lock
 * duration loses its lock: BullMQ's stalled check hands the job to another run while this one
 * goes on, and without this a run that lost its job would call providers for it next to the run
 * that holds it, even after that run made the result final (seen in the fault suite at load 12+).
 * A class, not closures: one is made per job (see walkTarget on what a job's path allocates).
 */
export class LockWatch {
  /** When the lock was last known held: the hand-out (the worker's clock when it asked, so no
   * later than Redis set the lock), then each renewal; unknown, checked before the first call. */
  private knownHeldAt: number;

  constructor(
    private readonly job: Pick<Job, 'extendLock' | 'processedOn'>,
    private readonly token: string,
    private readonly lockMs: number,
  ) {
    this.knownHeldAt = job.processedOn ?? Number.NEGATIVE_INFINITY;
  }

  /** Whether the lock may have lapsed since it was last known held (half its duration passed). */
  mayHaveLapsed(): boolean {
    return Date.now() - this.knownHeldAt >= this.lockMs / 2;
  }

  /** Whether this run still holds the job; renews the lock when it does (BullMQ's extendLock). */
  async held(): Promise<boolean> {
    const asked = Date.now();
    let extended: number;
    try {
      extended = await this.job.extendLock(this.token, this.lockMs);
    } catch {
      // No answer says nothing of the lock: the run goes on, as it did before it asked.
      return true;
    }
    if (extended !== 1) return false;
    this.knownHeldAt = asked;
    return true;
  }
}
