import { EVENT_TYPES, type JobEvent } from './events.js';

/** One Server-Sent Event: `id:` names it for `Last-Event-ID`, `event:` its type. */
export function formatSse(event: JobEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** A comment line: keeps proxies and idle timers from closing a quiet stream. */
export const SSE_HEARTBEAT = ': keep-alive\n\n';

interface RawEvent {
  id?: string;
  event?: string;
  data: string[];
}

/** The job event in one parsed SSE block, or null for comments and events of no known type. */
function toJobEvent(raw: RawEvent): JobEvent | null {
  if (raw.id === undefined || raw.event === undefined || raw.data.length === 0) return null;
  if (!(EVENT_TYPES as readonly string[]).includes(raw.event)) return null;
  const data: unknown = JSON.parse(raw.data.join('\n'));
  return { id: raw.id, type: raw.event, data } as JobEvent;
}

/**
 * Job events from an SSE byte stream, as the HTML standard splits it: blocks end at a blank line,
 * fields are `name: value`, lines starting with `:` are comments.
 */
export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<JobEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let raw: RawEvent = { data: [] };
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    let newline = buffer.search(/\r\n|\n|\r/);
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
      if (line === '') {
        const event = toJobEvent(raw);
        raw = { data: [] };
        if (event) yield event;
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const name = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (name === 'id') raw.id = value;
        else if (name === 'event') raw.event = value;
        else if (name === 'data') raw.data.push(value);
      }
      newline = buffer.search(/\r\n|\n|\r/);
    }
  }
}
