import type { CompleteArgs } from '../call-args.js';

/** A piece of an answer as it arrives: text, or a piece of one tool call. */
export type StreamDelta =
  | { kind: 'text'; text: string }
  | {
      kind: 'tool_call';
      /** Position of the call in the answer; pieces of one call share it. */
      index: number;
      /** Sent with the first piece of a call. */
      id?: string;
      name?: string;
      /** A piece of the arguments' JSON text; all pieces of a call join to the whole JSON. */
      arguments: string;
    };

export interface StreamArgs extends CompleteArgs {
  /**
   * Longest pause between two events once the answer started; past it the call ends as a
   * transient `timeout` ("stalled"). `timeoutMs` bounds the wait for the first event.
   */
  idleMs: number;
  /** Called with every piece, in order, as it arrives. Must not throw. */
  onDelta: (delta: StreamDelta) => void;
}
