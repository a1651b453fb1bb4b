import { describe, expect, it } from 'vitest';
import { jobIdentity } from './job-identity.js';

const job = (id: string | undefined, data: unknown, timestamp = 1_764_624_000_000) => ({
  id,
  data,
  timestamp,
  queueName: 'full',
});

describe('jobIdentity', () => {
  it('takes data.id first, and records a differing raw jobId as an alias', () => {
    expect(jobIdentity(job('job.a', { id: 'a' }))).toEqual({ id: 'a' });
    expect(jobIdentity(job('raw-1', { id: 'a' }))).toEqual({ id: 'a', alias: 'raw-1' });
    expect(jobIdentity(job('a', { id: 'a' }))).toEqual({ id: 'a' });
  });

  it('reads the ladder id out of a namespaced BullMQ id, or takes a valid raw one', () => {
    expect(jobIdentity(job('job.wait', {}))).toEqual({ id: 'wait' });
    expect(jobIdentity(job('raw-1', {}))).toEqual({ id: 'raw-1' });
  });

  it("derives a stable id for BullMQ's numeric ids and for ids the ladder cannot take", () => {
    expect(jobIdentity(job('272', {}))).toEqual({ id: 'full-272-1764624000000' });
    expect(jobIdentity(job('272', {}))).toEqual(jobIdentity(job('272', {})));
    expect(jobIdentity(job('272', {}, 1))).not.toEqual(jobIdentity(job('272', {})));
    const odd = jobIdentity(job('has space', { id: 'bad:id' })).id;
    expect(odd).toMatch(/^full-[0-9a-f]{24}-1764624000000$/);
  });
});
