import type Anthropic from '@anthropic-ai/sdk';
import { mapResponseFormat } from './map-response-format.js';
import type { CompletionRequest, Message, Tool, ToolChoice } from '../../ladder/job-schema.js';

type MessageParam = Anthropic.Messages.MessageParam;
type ContentBlockParam = Anthropic.Messages.ContentBlockParam;
export type AnthropicParams = Anthropic.Messages.MessageCreateParamsNonStreaming;

/** Anthropic requires `max_tokens`; this is used when the job gives none. */
export const DEFAULT_MAX_TOKENS = 1024;

function blocksOf(message: Message): ContentBlockParam[] {
  switch (message.role) {
    case 'user':
      return message.content === '' ? [] : [{ type: 'text', text: message.content }];
    case 'assistant': {
      const blocks: ContentBlockParam[] = [];
      // Anthropic rejects empty text blocks, which tool-call-only turns would otherwise produce.
      if (message.content) blocks.push({ type: 'text', text: message.content });
      for (const call of message.tool_calls ?? []) {
        blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments });
      }
      return blocks;
    }
    case 'tool':
      return [{ type: 'tool_result', tool_use_id: message.tool_call_id, content: message.content }];
  }
}

/**
 * Tool results travel in user turns, and Anthropic wants every result of one assistant turn in
 * the next single user message: consecutive same-role turns are merged.
 */
export function mapMessages(messages: readonly Message[]): MessageParam[] {
  const mapped: MessageParam[] = [];
  for (const message of messages) {
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = blocksOf(message);
    if (blocks.length === 0) continue;
    const last = mapped[mapped.length - 1];
    if (last && last.role === role && Array.isArray(last.content)) {
      last.content.push(...blocks);
    } else {
      mapped.push({ role, content: blocks });
    }
  }
  return mapped;
}

export function mapTool(tool: Tool): Anthropic.Messages.Tool {
  const inputSchema: Anthropic.Messages.Tool.InputSchema = { ...tool.input_schema, type: 'object' };
  return {
    name: tool.name,
    input_schema: inputSchema,
    ...(tool.description === undefined ? {} : { description: tool.description }),
  };
}

export function mapToolChoice(choice: ToolChoice): Anthropic.Messages.ToolChoice {
  if (typeof choice === 'object') return { type: 'tool', name: choice.name };
  if (choice === 'required') return { type: 'any' };
  return { type: choice };
}

/** Normalised request → Messages API params. Pure. `temperature` is dropped (see below). */
export function mapRequest(model: string, request: CompletionRequest): AnthropicParams {
  const params: AnthropicParams = {
    model,
    max_tokens: request.max_tokens ?? DEFAULT_MAX_TOKENS,
    messages: mapMessages(request.messages),
  };
  const format = mapResponseFormat(request.response_format);
  const system = [request.system, format.systemSuffix].filter((s) => s !== undefined && s !== '');
  if (system.length > 0) params.system = system.join('\n\n');
  if (format.outputConfig) params.output_config = format.outputConfig;
  if (request.tools && request.tools.length > 0) params.tools = request.tools.map(mapTool);
  if (request.tool_choice !== undefined && request.tools && request.tools.length > 0) {
    params.tool_choice = mapToolChoice(request.tool_choice);
  }
  // `temperature` is not sent: @anthropic-ai/sdk 1.x removed it from the Messages params after
  // its deprecation, and a request the API rejects would fail the job as a caller error.
  if (request.stop && request.stop.length > 0) params.stop_sequences = request.stop;
  return params;
}
