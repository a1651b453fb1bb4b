import type { JobResult } from '../../ladder/result.js';
import type { CompletionOutput } from '../../providers/contract.js';
import { createdSeconds, servedModel, type ServedRecord } from '../openai-compat/to-completion.js';
import type { ResponsesRequest } from './request-schema.js';

export interface OutputText {
  type: 'output_text';
  text: string;
  annotations: [];
  logprobs: [];
}

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export type OutputItem =
  | {
      type: 'message';
      id: string;
      status: ItemStatus;
      role: 'assistant';
      content: OutputText[];
    }
  | {
      type: 'function_call';
      id: string;
      call_id: string;
      name: string;
      arguments: string;
      status: ItemStatus;
    };

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/** What the request asked for, echoed in every response object as OpenAI does. */
export interface RequestEcho {
  instructions: string | null;
  max_output_tokens: number | null;
  temperature: number | null;
  tool_choice: unknown;
  tools: unknown[];
  text: { format: unknown };
  metadata: Record<string, string>;
  store: boolean;
}

export interface ResponseObject extends RequestEcho {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: null;
  top_p: null;
  truncation: 'disabled';
  usage: ResponsesUsage | null;
}

export function responseId(jobId: string): string {
  return `resp_${jobId}`;
}

/** Item ids name the job and the item's place in `output`, the same streamed or not. */
export function itemId(jobId: string, kind: OutputItem['type'], outputIndex: number): string {
  return `${kind === 'message' ? 'msg' : 'fc'}_${jobId}_${outputIndex}`;
}

export function echoOf(request: ResponsesRequest): RequestEcho {
  return {
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    temperature: request.temperature ?? null,
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    text: { format: request.text?.format ?? { type: 'text' } },
    metadata: request.metadata ?? {},
    store: request.store ?? false,
  };
}

/** A stop for length or a filter leaves the response incomplete, as OpenAI reports it. */
export function incompleteDetails(
  output: Pick<CompletionOutput, 'stop_reason'>,
): ResponseObject['incomplete_details'] {
  if (output.stop_reason === 'max_tokens') return { reason: 'max_output_tokens' };
  if (output.stop_reason === 'content_filter') return { reason: 'content_filter' };
  return null;
}

/** The neutral usage counts cached input inside input_tokens, as the Responses API does. */
export function responsesUsage(record: JobResult): ResponsesUsage {
  // Cache and static answers cost no tokens, whatever the cached answer once used.
  const usage = record.source === 'llm' ? record.usage : null;
  const input = usage?.input_tokens ?? 0;
  const output = usage?.output_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage?.cached_input_tokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  };
}

export function outputText(text: string): OutputText {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

/** One message item with the text (when there is any), then one function_call item per call. */
export function outputItems(jobId: string, output: CompletionOutput): OutputItem[] {
  const status: ItemStatus = incompleteDetails(output) ? 'incomplete' : 'completed';
  const items: OutputItem[] = [];
  if (output.text !== '') {
    items.push({
      type: 'message',
      id: itemId(jobId, 'message', 0),
      status,
      role: 'assistant',
      content: [outputText(output.text)],
    });
  }
  for (const call of output.tool_calls) {
    items.push({
      type: 'function_call',
      id: itemId(jobId, 'function_call', items.length),
      call_id: call.id,
      name: call.name,
      arguments: JSON.stringify(call.arguments),
      status: 'completed',
    });
  }
  return items;
}

/**
 * The response object around some output: `in_progress` with no output at a stream's start, or
 * the finished one. `output_text` is left out: it is the SDKs' convenience, which they compute.
 */
export function responseObject(input: {
  jobId: string;
  createdAt: number;
  model: string;
  echo: RequestEcho;
  status: ResponseStatus;
  output: OutputItem[];
  usage: ResponsesUsage | null;
  incomplete?: ResponseObject['incomplete_details'];
  error?: ResponseObject['error'];
}): ResponseObject {
  return {
    id: responseId(input.jobId),
    object: 'response',
    created_at: input.createdAt,
    status: input.status,
    error: input.error ?? null,
    incomplete_details: input.incomplete ?? null,
    model: input.model,
    output: input.output,
    parallel_tool_calls: true,
    previous_response_id: null,
    top_p: null,
    truncation: 'disabled',
    usage: input.usage,
    ...input.echo,
  };
}

/** The served answer in the Responses shape, whichever provider wrote it. */
export function toResponse(record: ServedRecord, echo: RequestEcho): ResponseObject {
  const incomplete = incompleteDetails(record.output);
  return responseObject({
    jobId: record.id,
    createdAt: createdSeconds(record),
    model: servedModel(record),
    echo,
    status: incomplete ? 'incomplete' : 'completed',
    output: outputItems(record.id, record.output),
    usage: responsesUsage(record),
    incomplete,
  });
}
