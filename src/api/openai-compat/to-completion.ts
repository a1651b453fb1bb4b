import type { ToolCall } from '../../ladder/job-schema.js';
import type { JobResult } from '../../ladder/result.js';
import type { CompletionOutput, StopReason } from '../../providers/contract.js';

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: 0;
    message: {
      role: 'assistant';
      content: string | null;
      refusal: null;
      tool_calls?: OpenAiToolCall[];
    };
    logprobs: null;
    finish_reason: FinishReason;
  }>;
  usage: OpenAiUsage;
}

/** A completed record: the only kind the mappers accept. */
export type ServedRecord = JobResult & { output: CompletionOutput };

const FINISH: Record<StopReason, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  content_filter: 'content_filter',
  other: 'stop',
};

/**
 * OpenAI clients loop on `finish_reason === "tool_calls"`; some providers end a tool call with a
 * plain stop, so calls present and no more specific reason read as `tool_calls`.
 */
export function finishReason(
  output: Pick<CompletionOutput, 'stop_reason' | 'tool_calls'>,
): FinishReason {
  const mapped = FINISH[output.stop_reason];
  return output.tool_calls.length > 0 && mapped === 'stop' ? 'tool_calls' : mapped;
}

export function completionId(jobId: string): string {
  return `chatcmpl-${jobId}`;
}

/** The served `provider/model`; answers that no model wrote say where they came from instead. */
export function servedModel(record: JobResult): string {
  if (record.source === 'cache') return 'ladder/cache';
  if (record.source === 'static') return 'ladder/static';
  return record.provider && record.model ? `${record.provider}/${record.model}` : 'ladder';
}

/** Cache and static answers cost no tokens, whatever the cached answer once used. */
export function openAiUsage(record: JobResult): OpenAiUsage {
  const usage = record.source === 'llm' ? record.usage : null;
  const prompt = usage?.input_tokens ?? 0;
  const completion = usage?.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...(usage?.cached_input_tokens !== undefined
      ? { prompt_tokens_details: { cached_tokens: usage.cached_input_tokens } }
      : {}),
  };
}

export function openAiToolCalls(calls: readonly ToolCall[]): OpenAiToolCall[] {
  return calls.map((call) => ({
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.arguments) },
  }));
}

/** Seconds since the epoch when the job was enqueued, OpenAI's `created`. */
export function createdSeconds(record: JobResult): number {
  const ms = Date.parse(record.timing.enqueued_at);
  return Math.floor((Number.isNaN(ms) ? Date.now() : ms) / 1000);
}

export function toChatCompletion(record: ServedRecord): ChatCompletion {
  const { output } = record;
  const calls = openAiToolCalls(output.tool_calls);
  return {
    id: completionId(record.id),
    object: 'chat.completion',
    created: createdSeconds(record),
    model: servedModel(record),
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          // OpenAI sends null, not "", when the answer is only tool calls.
          content: output.text === '' && calls.length > 0 ? null : output.text,
          refusal: null,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        },
        logprobs: null,
        finish_reason: finishReason(output),
      },
    ],
    usage: openAiUsage(record),
  };
}

/** The ladder's facts about an answer, in headers so the body stays what OpenAI clients expect. */
export function ladderResponseHeaders(record: JobResult): Record<string, string> {
  return {
    'X-Ladder-Job-Id': record.id,
    'X-Ladder-Level': String(record.level),
    'X-Ladder-Level-Name': record.level_name,
    ...(record.source ? { 'X-Ladder-Source': record.source } : {}),
    'X-Ladder-Degraded': record.degraded === true ? 'true' : 'false',
  };
}
