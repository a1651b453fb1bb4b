import type { JobResult } from '../ladder/result.js';
import type { LadderOps } from '../producer/ladder-ops.js';
import { CliError } from './context.js';

export interface PrintStreamOptions {
  /** One JSON line per event instead of the answer's text. */
  json: boolean;
  timeoutMs: number;
  out: (text: string) => void;
  err: (text: string) => void;
}

/**
 * Prints a streamed job's answer as it arrives and answers its final record. A restart that
 * continues the answer skips what is already printed; one that starts over says so on stderr.
 */
export async function printStream(
  ops: LadderOps,
  id: string,
  options: PrintStreamOptions,
): Promise<JobResult | null> {
  if (!ops.events) throw new CliError('this client cannot read job events', 1);
  const stop = AbortSignal.timeout(options.timeoutMs);
  let printed = 0;
  let skip = 0;
  for await (const event of await ops.events(id, { signal: stop })) {
    if (options.json) options.out(`${JSON.stringify(event)}\n`);
    else if (event.type === 'restart') {
      if (event.data.continues && event.data.kept_chars === printed) skip = event.data.kept_chars;
      else if (printed > 0) {
        const on = event.data.provider
          ? `${event.data.provider}/${event.data.model}`
          : 'a new level';
        options.err(`\n[the answer starts over on ${on}]\n`);
        printed = 0;
      }
    } else if (event.type === 'delta' && 'text' in event.data) {
      const text = event.data.text.slice(Math.min(skip, event.data.text.length));
      skip -= event.data.text.length - text.length;
      printed += text.length;
      options.out(text);
    }
    if (event.type === 'final') return event.data;
  }
  return ops.get(id);
}
