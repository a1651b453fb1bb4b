import {
  FunctionCallingConfigMode,
  type Content,
  type FunctionDeclaration,
  type GenerateContentConfig,
  type GenerateContentParameters,
  type Part,
  type ToolConfig,
} from '@google/genai';
import type { CompletionRequest, Message, Tool, ToolChoice } from '../../ladder/job-schema.js';
import { mapResponseFormat } from './map-response-format.js';
import { toolNamesById } from '../tool-names.js';

function partsOf(message: Message, names: ReadonlyMap<string, string>): Part[] {
  switch (message.role) {
    case 'user':
      return message.content === '' ? [] : [{ text: message.content }];
    case 'assistant': {
      const parts: Part[] = [];
      if (message.content) parts.push({ text: message.content });
      // Ids are not sent back: Gemini matches calls and responses by name and order, and the ids
      // we hold for Gemini calls are our own synthesised ones.
      for (const call of message.tool_calls ?? []) {
        parts.push({ functionCall: { name: call.name, args: call.arguments } });
      }
      return parts;
    }
    case 'tool': {
      const name = message.name ?? names.get(message.tool_call_id) ?? message.tool_call_id;
      return [{ functionResponse: { name, response: { output: message.content } } }];
    }
  }
}

/**
 * Gemini wants strictly alternating turns, with every function response of a model turn in the
 * next single user turn: consecutive same-role turns are merged.
 */
export function mapContents(messages: readonly Message[]): Content[] {
  const names = toolNamesById(messages);
  const contents: Content[] = [];
  for (const message of messages) {
    const role = message.role === 'assistant' ? 'model' : 'user';
    const parts = partsOf(message, names);
    if (parts.length === 0) continue;
    const last = contents[contents.length - 1];
    if (last && last.role === role && last.parts) {
      last.parts.push(...parts);
    } else {
      contents.push({ role, parts });
    }
  }
  return contents;
}

export function mapTool(tool: Tool): FunctionDeclaration {
  return {
    name: tool.name,
    // parametersJsonSchema takes plain JSON Schema; `parameters` wants Gemini's OpenAPI subset.
    parametersJsonSchema: tool.input_schema,
    ...(tool.description === undefined ? {} : { description: tool.description }),
  };
}

export function mapToolChoice(choice: ToolChoice): ToolConfig {
  if (typeof choice === 'object') {
    return {
      functionCallingConfig: {
        mode: FunctionCallingConfigMode.ANY,
        allowedFunctionNames: [choice.name],
      },
    };
  }
  const mode =
    choice === 'required'
      ? FunctionCallingConfigMode.ANY
      : choice === 'none'
        ? FunctionCallingConfigMode.NONE
        : FunctionCallingConfigMode.AUTO;
  return { functionCallingConfig: { mode } };
}

/** Normalised request → generateContent params (without the per-call httpOptions). Pure. */
export function mapRequest(model: string, request: CompletionRequest): GenerateContentParameters {
  const config: GenerateContentConfig = {
    // One call must be one request: the SDK would otherwise follow continuation tokens.
    automaticContinuation: false,
  };
  if (request.system !== undefined && request.system !== '')
    config.systemInstruction = request.system;
  if (request.tools && request.tools.length > 0) {
    config.tools = [{ functionDeclarations: request.tools.map(mapTool) }];
    if (request.tool_choice !== undefined) config.toolConfig = mapToolChoice(request.tool_choice);
  }
  if (request.max_tokens !== undefined) config.maxOutputTokens = request.max_tokens;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.stop && request.stop.length > 0) config.stopSequences = request.stop;
  Object.assign(config, mapResponseFormat(request.response_format));
  return { model, contents: mapContents(request.messages), config };
}
