import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseJob, type JobInput, type ValidJob } from '../../src/ladder/job-schema.js';
import { prepareJob } from '../../src/producer/prepare-job.js';

// Checked by `npm run typecheck` (tsc reads test/): what routes and writes a job takes only one
// that parseJob made, so no layer below the way in needs to check it again.
describe('a ValidJob comes only from parseJob', () => {
  it('parseJob answers one; a plain JobInput is not one; prepareJob takes only one', () => {
    const parsed = parseJob({ request: { messages: [{ role: 'user', content: 'hi' }] } });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expectTypeOf(parsed.job).toEqualTypeOf<ValidJob>();
    expectTypeOf<JobInput>().not.toExtend<ValidJob>();
    expectTypeOf(prepareJob).parameter(0).toHaveProperty('job').toEqualTypeOf<ValidJob>();
    // A job written by hand, however well formed, is refused at compile time.
    const unchecked: JobInput = { request: { messages: [{ role: 'user', content: 'hi' }] } };
    // @ts-expect-error a JobInput has not been through parseJob
    const asValid: ValidJob = unchecked;
    expect(asValid).toBe(unchecked);
  });
});
