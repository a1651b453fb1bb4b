import type { Response } from 'express';
import type { JobResult } from '../../ladder/result.js';
import type { LadderOps } from '../../producer/ladder-ops.js';
import type { JobEvent } from '../../streaming/events.js';
import type { RelayStep } from './block-relay.js';

/** Where a client that lost its stream finds the answer. */
export const again = (jobId: string): string =>
  `repeat the request with Idempotency-Key ${jobId} for the finished answer, or read GET /v1/jobs/${encodeURIComponent(jobId)}`;

/** How relaying a job's events ended: its final record (null: none in time, or the client left). */
export type RelayEnd = { final: JobResult | null } | { broken: string };

/**
 * Feeds a job's events to a relay (`take`) until the final one, the answer's wait running out, or
 * the client leaving; what every drop-in endpoint's stream does the same way. `broken` is the
 * message to end the stream with when the answer started over and the client cannot take it back.
 */
export async function relayEvents(input: {
  res: Response;
  events: NonNullable<LadderOps['events']>;
  jobId: string;
  /** The request created the job: read from its stream's start, with no lookup first. */
  created: boolean;
  waitMs: number;
  take: (event: JobEvent) => RelayStep;
}): Promise<RelayEnd> {
  const { jobId } = input;
  const stop = new AbortController();
  input.res.on('close', () => stop.abort());
  const timer = setTimeout(() => stop.abort(), input.waitMs);
  try {
    const events: AsyncIterable<JobEvent> = await input.events(jobId, {
      signal: stop.signal,
      ...(input.created ? { created: true } : {}),
    });
    for await (const event of events) {
      const step = input.take(event);
      if (step.kind === 'final') return { final: step.record };
      if (step.kind === 'broken') {
        return {
          broken: `the answer was cut at ${step.restart.sent_chars} characters and goes on at level ${step.restart.level} from the start, which this stream cannot take back; ${again(jobId)}`,
        };
      }
    }
    return { final: null };
  } finally {
    clearTimeout(timer);
  }
}
