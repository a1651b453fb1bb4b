import type OpenAI from 'openai';
import type { CompletionRequest, Message, Tool, ToolChoice } from '../../ladder/job-schema.js';
import { mapResponseFormat } from './map-response-format.js';

type MessageParam = OpenAI.Chat.Completions.ChatCompletionMessageParam;
export type OpenAIParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;

function mapMessage(message: Message): MessageParam {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: message.content };
    case 'assistant': {
      const calls = message.tool_calls ?? [];
      const mapped: OpenAI.Chat.Completions.ChatCompletionAssistantMessageParam = {
        role: 'assistant',
        // OpenAI wants `null` rather than '' when the turn is only tool calls.
        content: message.content === undefined || message.content === '' ? null : message.content,
      };
      if (calls.length > 0) {
        mapped.tool_calls = calls.map((call) => ({
          id: call.id,
          type: 'function' as const,
          function: { name: call.name, arguments: JSON.stringify(call.arguments) },
        }));
      }
      return mapped;
    }
    case 'tool':
      return { role: 'tool', tool_call_id: message.tool_call_id, content: message.content };
  }
}

export function mapMessages(
  system: string | undefined,
  messages: readonly Message[],
): MessageParam[] {
  const mapped: MessageParam[] = [];
  if (system !== undefined && system !== '') mapped.push({ role: 'system', content: system });
  for (const message of messages) mapped.push(mapMessage(message));
  return mapped;
}

export function mapTool(tool: Tool): OpenAI.Chat.Completions.ChatCompletionFunctionTool {
  return {
    type: 'function',
    function: {
      name: tool.name,
      parameters: tool.input_schema,
      ...(tool.description === undefined ? {} : { description: tool.description }),
    },
  };
}

export function mapToolChoice(
  choice: ToolChoice,
): OpenAI.Chat.Completions.ChatCompletionToolChoiceOption {
  if (typeof choice === 'object') return { type: 'function', function: { name: choice.name } };
  return choice;
}

/**
 * Normalised request → Chat Completions params. Pure. The limit goes out as
 * `max_completion_tokens`: `max_tokens` is deprecated and rejected by reasoning models.
 */
export function mapRequest(model: string, request: CompletionRequest): OpenAIParams {
  const params: OpenAIParams = { model, messages: mapMessages(request.system, request.messages) };
  if (request.tools && request.tools.length > 0) {
    params.tools = request.tools.map(mapTool);
    if (request.tool_choice !== undefined) params.tool_choice = mapToolChoice(request.tool_choice);
  }
  if (request.max_tokens !== undefined) params.max_completion_tokens = request.max_tokens;
  if (request.temperature !== undefined) params.temperature = request.temperature;
  if (request.stop && request.stop.length > 0) params.stop = request.stop;
  const format = mapResponseFormat(request.response_format);
  if (format !== undefined) params.response_format = format;
  return params;
}
