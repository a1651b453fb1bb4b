import type { JobResult } from '../../ladder/result.js';
import type { DeltaData, JobEvent, RestartData } from '../../streaming/events.js';
import type { ChatCompletionChunk, ChunkDelta } from './stream-chunks.js';
import {
  completionId,
  finishReason,
  openAiUsage,
  servedModel,
  type FinishReason,
  type ServedRecord,
} from './to-completion.js';

/** A tool-call piece as OpenAI streams it: id, type and name with the first piece only. */
interface ToolCallPiece {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
}

type RelayChunk = Omit<ChatCompletionChunk, 'choices'> & {
  choices: Array<{
    index: 0;
    delta: Omit<ChunkDelta, 'tool_calls'> & { tool_calls?: ToolCallPiece[] };
    logprobs: null;
    finish_reason: FinishReason | null;
  }>;
};

/** What one event did to the relay. */
export type RelayStep =
  | { kind: 'more' }
  | { kind: 'final'; record: JobResult }
  /** The answer started over and the client cannot take back what it has: the stream must end. */
  | { kind: 'broken'; restart: RestartData };

/**
 * Turns a job's events into OpenAI chunks as they come. A client cannot take text back, so after a
 * `restart` the relay goes on only when the new answer continues the old one (it then skips the
 * text the client already has); otherwise the caller ends the stream with an error chunk.
 */
export class ChunkRelay {
  private textSent = 0;
  private toolPieces = 0;
  private skip = 0;
  private roleSent = false;

  constructor(
    private readonly options: {
      id: string;
      created: number;
      /** The model the request named: the served one is known only at the end. */
      model: string;
      includeUsage: boolean;
      write: (chunk: RelayChunk) => void;
    },
  ) {}

  /** True once anything of the answer went to the client. */
  get started(): boolean {
    return this.roleSent;
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

  /** The closing chunks of a completed answer: finish reason, usage when asked, from the record. */
  finish(record: ServedRecord): void {
    const model = servedModel(record);
    this.options.write(this.chunk({}, finishReason(record.output), model));
    if (this.options.includeUsage) {
      this.options.write({ ...this.base(model), choices: [], usage: openAiUsage(record) });
    }
  }

  private restart(data: RestartData): RelayStep {
    if (this.textSent === 0 && this.toolPieces === 0) return { kind: 'more' };
    if (data.continues && this.toolPieces === 0 && data.kept_chars === this.textSent) {
      this.skip = data.kept_chars;
      return { kind: 'more' };
    }
    return { kind: 'broken', restart: data };
  }

  private delta(data: DeltaData): void {
    if ('text' in data) {
      let text = data.text;
      if (this.skip > 0) {
        const dropped = Math.min(this.skip, text.length);
        this.skip -= dropped;
        text = text.slice(dropped);
      }
      if (text === '') return;
      this.ensureRole();
      this.textSent += text.length;
      this.options.write(this.chunk({ content: text }));
      return;
    }
    const call = data.tool_call;
    this.ensureRole();
    this.toolPieces += 1;
    const piece: ToolCallPiece = {
      index: call.index,
      ...(call.id ? { id: call.id, type: 'function' as const } : {}),
      function: { ...(call.name ? { name: call.name } : {}), arguments: call.arguments },
    };
    this.options.write(this.chunk({ tool_calls: [piece] }));
  }

  private ensureRole(): void {
    if (this.roleSent) return;
    this.roleSent = true;
    this.options.write(this.chunk({ role: 'assistant', content: '', refusal: null }));
  }

  private base(model: string): Omit<RelayChunk, 'choices'> {
    return {
      id: completionId(this.options.id),
      object: 'chat.completion.chunk',
      created: this.options.created,
      model,
    };
  }

  private chunk(
    delta: RelayChunk['choices'][number]['delta'],
    finish: FinishReason | null = null,
    model: string = this.options.model,
  ): RelayChunk {
    return {
      ...this.base(model),
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(this.options.includeUsage ? { usage: null } : {}),
    };
  }
}
