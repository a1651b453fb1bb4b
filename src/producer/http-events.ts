import type { JobEvent } from '../streaming/events.js';
import type { EventsOptions } from '../streaming/reader.js';
import { parseSse } from '../streaming/sse.js';
import { LadderUnavailableError } from './errors.js';

/** Reconnections in a row without a new event before the stream gives up. */
const MAX_RECONNECTS = 5;

/**
 * The events of one SSE answer, then of the next connection when one drops before `final`: each
 * reconnection sends the last id seen, so nothing is lost or repeated.
 */
export async function* followEvents(input: {
  first: Response;
  connect: (lastEventId: string | undefined) => Promise<Response>;
  options: EventsOptions;
}): AsyncGenerator<JobEvent> {
  const { signal } = input.options;
  let lastId = input.options.lastEventId;
  let response = input.first;
  for (let failures = 0; ;) {
    try {
      const body: AsyncIterable<Uint8Array> | null = response.body;
      for await (const event of body ? parseSse(body) : []) {
        // Events already read off the socket are not handed out once the reader has stopped.
        if (signal?.aborted) return;
        failures = 0;
        lastId = event.id;
        yield event;
        if (event.type === 'final') return;
      }
    } catch (error) {
      if (signal?.aborted) return;
      if (!(error instanceof TypeError) && !(error instanceof Error && error.name === 'AbortError'))
        throw error;
    }
    if (signal?.aborted) return;
    failures += 1;
    if (failures > MAX_RECONNECTS) {
      throw new LadderUnavailableError(
        `the job's event stream ended ${MAX_RECONNECTS} times before its final event`,
      );
    }
    response = await input.connect(lastId);
  }
}
