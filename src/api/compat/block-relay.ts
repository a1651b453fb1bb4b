import type { JobResult } from '../../ladder/result.js';
import type { DeltaData, JobEvent, RestartData } from '../../streaming/events.js';
import type { CompletionOutput } from '../../providers/contract.js';

/** A content block of a streamed answer: text, or one tool call whose arguments arrive in pieces. */
export type Block = { kind: 'text' } | { kind: 'tool'; id: string; name: string };

/** Where blocks go: each API writes them as its own events. Indexes count blocks from 0. */
export interface BlockSink {
  open(index: number, block: Block): void;
  /** Text, or a piece of a tool call's arguments JSON. */
  delta(index: number, piece: string): void;
  close(index: number): void;
}

/** What one event did to the relay. */
export type RelayStep =
  | { kind: 'more' }
  | { kind: 'final'; record: JobResult }
  /** The answer started over and the client cannot take back what it has: the stream must end. */
  | { kind: 'broken'; restart: RestartData };

/**
 * Turns a job's delta events into content blocks (text, tool calls) for the Messages and Responses
 * streams. A client cannot take text back, so after a `restart` the relay goes on only when the
 * new answer continues the old one (it then skips the text the client already has); otherwise the
 * caller ends the stream with an error.
 */
export class BlockRelay {
  private textSent = 0;
  private toolPieces = 0;
  private skip = 0;
  private open: { index: number; kind: Block['kind']; toolIndex?: number } | null = null;
  private nextIndex = 0;

  constructor(
    private readonly sink: BlockSink,
    /** Called before the first block opens: the stream's preamble goes out then. */
    private readonly onStart: () => void,
  ) {}

  /** True once anything of the answer went to the client. */
  get started(): boolean {
    return this.nextIndex > 0;
  }

  take(event: JobEvent): RelayStep {
    switch (event.type) {
      case 'delta':
        this.delta(event.data);
        return { kind: 'more' };
      case 'restart':
        return this.restart(event.data);
      case 'final':
        return { kind: 'final', record: event.data };
      case 'attempt':
        return { kind: 'more' };
    }
  }

  /** Closes the block still open, before the closing events. */
  closeOpen(): void {
    if (this.open === null) return;
    this.sink.close(this.open.index);
    this.open = null;
  }

  private restart(data: RestartData): RelayStep {
    if (this.textSent === 0 && this.toolPieces === 0) return { kind: 'more' };
    if (data.continues && this.toolPieces === 0 && data.kept_chars === this.textSent) {
      this.skip = data.kept_chars;
      return { kind: 'more' };
    }
    return { kind: 'broken', restart: data };
  }

  private openBlock(block: Block, toolIndex?: number): number {
    this.closeOpen();
    if (!this.started) this.onStart();
    const index = this.nextIndex++;
    this.open = { index, kind: block.kind, ...(toolIndex !== undefined ? { toolIndex } : {}) };
    this.sink.open(index, block);
    return index;
  }

  delta(data: DeltaData): void {
    if ('text' in data) {
      let text = data.text;
      if (this.skip > 0) {
        const dropped = Math.min(this.skip, text.length);
        this.skip -= dropped;
        text = text.slice(dropped);
      }
      if (text === '') return;
      const index = this.open?.kind === 'text' ? this.open.index : this.openBlock({ kind: 'text' });
      this.textSent += text.length;
      this.sink.delta(index, text);
      return;
    }
    const call = data.tool_call;
    this.toolPieces += 1;
    const index =
      this.open?.kind === 'tool' && this.open.toolIndex === call.index
        ? this.open.index
        : this.openBlock(
            { kind: 'tool', id: call.id ?? `call_${call.index}`, name: call.name ?? '' },
            call.index,
          );
    if (call.arguments !== '') this.sink.delta(index, call.arguments);
  }
}

/** A finished answer as the deltas a stream would have carried: its text, then each call whole. */
export function deltasOf(output: CompletionOutput): DeltaData[] {
  const deltas: DeltaData[] = output.text === '' ? [] : [{ text: output.text }];
  output.tool_calls.forEach((call, index) =>
    deltas.push({
      tool_call: { index, id: call.id, name: call.name, arguments: JSON.stringify(call.arguments) },
    }),
  );
  return deltas;
}
