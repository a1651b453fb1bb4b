import type { JobResult } from '../../src/ladder/result.js';
import type { JobEvent } from '../../src/streaming/events.js';

/** Everything an iterable yields, until it ends. */
export async function collect(iterable: AsyncIterable<JobEvent>): Promise<JobEvent[]> {
  const all: JobEvent[] = [];
  for await (const event of iterable) all.push(event);
  return all;
}

/** The text a native reader holds at the end: the deltas after the last `restart`. */
export function answerText(events: readonly JobEvent[]): string {
  let text = '';
  for (const event of events) {
    if (event.type === 'restart') text = '';
    if (event.type === 'delta' && 'text' in event.data) text += event.data.text;
  }
  return text;
}

export function finalOf(events: readonly JobEvent[]): JobResult {
  const last = events[events.length - 1];
  if (last?.type !== 'final') throw new Error(`the events end with ${last?.type ?? 'nothing'}`);
  return last.data;
}

export const typesOf = (events: readonly JobEvent[]): string[] => events.map((e) => e.type);

/** A promise and the function that settles it. */
export function gate(): { until: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const until = new Promise<void>((resolve) => (open = resolve));
  return { until, open };
}
