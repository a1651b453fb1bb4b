import type { JobEvent } from '../../streaming/events.js';
import { BlockRelay, type BlockSink, type RelayStep } from '../compat/block-relay.js';
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

/**
 * Turns a job's events into OpenAI chunks as they come, through the block relay the Messages and
 * Responses streams use (the same rules for a restart mid-answer: go on when the new answer
 * continues the old one, else the caller ends the stream with an error chunk). A text block is
 * `content` pieces; a tool block opens with the call's id and name, then its arguments in pieces.
 */
export class ChunkRelay {
  private readonly relay: BlockRelay;
  /** Tool blocks' OpenAI `tool_calls` index, by block index. */
  private readonly toolIndex = new Map<number, number>();

  constructor(
    private readonly options: {
      id: string;
      created: number;
      /** The model the request named: the served one is known only at the end. */
      model: string;
      includeUsage: boolean;
      write: (chunk: RelayChunk) => void;
    },
  ) {
    const sink: BlockSink = {
      open: (index, block) => {
        if (block.kind !== 'tool') return;
        const toolIndex = this.toolIndex.size;
        this.toolIndex.set(index, toolIndex);
        this.write({
          tool_calls: [
            {
              index: toolIndex,
              id: block.id,
              type: 'function',
              function: { name: block.name, arguments: '' },
            },
          ],
        });
      },
      delta: (index, piece) => {
        const toolIndex = this.toolIndex.get(index);
        this.write(
          toolIndex === undefined
            ? { content: piece }
            : { tool_calls: [{ index: toolIndex, function: { arguments: piece } }] },
        );
      },
      close: () => undefined,
    };
    this.relay = new BlockRelay(sink, () =>
      this.write({ role: 'assistant', content: '', refusal: null }),
    );
  }

  /** True once anything of the answer went to the client. */
  get started(): boolean {
    return this.relay.started;
  }

  take(event: JobEvent): RelayStep {
    return this.relay.take(event);
  }

  /** The closing chunks of a completed answer: finish reason, usage when asked, from the record. */
  finish(record: ServedRecord): void {
    const model = servedModel(record);
    this.options.write(this.chunk({}, finishReason(record.output), model));
    if (this.options.includeUsage) {
      this.options.write({ ...this.base(model), choices: [], usage: openAiUsage(record) });
    }
  }

  private write(delta: RelayChunk['choices'][number]['delta']): void {
    this.options.write(this.chunk(delta));
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
