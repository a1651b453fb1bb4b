/** No job with this id (never enqueued, or its result expired). */
export class UnknownJobError extends Error {
  readonly isUnknownJob = true;
  constructor(readonly jobId: string) {
    super(`no job ${jobId} (unknown, or its result expired)`);
    this.name = 'UnknownJobError';
  }
}

/** A `Last-Event-ID` that is not one of this job's event ids. */
export class BadEventIdError extends Error {
  readonly isBadEventId = true;
  constructor(
    readonly jobId: string,
    readonly eventId: string,
  ) {
    super(
      `Last-Event-ID ${JSON.stringify(eventId.slice(0, 100))} is not an event id of job ${jobId}'s stream`,
    );
    this.name = 'BadEventIdError';
  }
}

export function isUnknownJobError(error: unknown): error is UnknownJobError {
  return (error as { isUnknownJob?: unknown } | null)?.isUnknownJob === true;
}

export function isBadEventIdError(error: unknown): error is BadEventIdError {
  return (error as { isBadEventId?: unknown } | null)?.isBadEventId === true;
}
