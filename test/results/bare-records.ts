import type { JobResult, JobStatus } from '../../src/ladder/result.js';
import { RedisResultStore } from '../../src/results/redis-result-store.js';

/** The real store, counting its record reads (a waiter that reads when it need not shows here). */
export class CountingStore extends RedisResultStore {
  gets = 0;
  override async get(id: string): Promise<JobResult | null> {
    this.gets += 1;
    return super.get(id);
  }
}

/** The least record the result tests need: one level, no attempts. */
export function bareRecord(id: string, status: JobStatus): JobResult {
  return {
    id,
    status,
    level: 1,
    level_name: 'l1',
    entry_level: 1,
    floor: 1,
    attempts: [],
    timing: { enqueued_at: '2026-01-01T00:00:00.000Z' },
  };
}
