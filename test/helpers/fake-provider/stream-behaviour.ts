import type { FakeUsage } from './behaviours.js';

/** A mid-stream fault: after `afterChunks` content chunks the stream is cut, stalls or breaks. */
export interface StreamFault {
  kind: 'cut' | 'stall' | 'malformed';
  afterChunks: number;
}

/**
 * A streamed answer, paced. On a request that does not ask for a stream it answers the whole text
 * at once (faults do not apply there).
 */
export interface StreamBehaviour {
  kind: 'stream';
  /** Default 'Hello from the fake provider.' */
  text?: string;
  /** Content chunks; default: the text cut after each word. They must join to `text`. */
  chunks?: string[];
  /** Pause between two content chunks. Default 0. */
  chunkDelayMs?: number;
  /** A tool call after the text, its arguments streamed in two pieces. */
  toolCall?: { name: string; arguments: Record<string, unknown>; id?: string };
  usage?: FakeUsage | null;
  fault?: StreamFault;
  /**
   * After `afterChunks` content chunks, waits for `until` before sending the rest: a test holds
   * the provider mid-answer to see what readers got meanwhile, without timing anything.
   */
  hold?: { afterChunks: number; until: Promise<unknown> };
  delayMs?: number;
}

export const streamed = (
  text: string,
  options: Omit<StreamBehaviour, 'kind' | 'text'> = {},
): StreamBehaviour => ({ kind: 'stream', text, ...options });

export const cutAfter = (afterChunks: number): StreamFault => ({ kind: 'cut', afterChunks });
export const stallAfter = (afterChunks: number): StreamFault => ({ kind: 'stall', afterChunks });
export const malformedAfter = (afterChunks: number): StreamFault => ({
  kind: 'malformed',
  afterChunks,
});

/** Words with the whitespace after them. */
export function wordsOf(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}
