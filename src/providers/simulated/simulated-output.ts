import { createHash } from 'node:crypto';
import type { Completion, StopReason } from '../contract.js';
import type { CompletionRequest, Message, ToolCall } from '../../ladder/job-schema.js';
import { brokenJson, brokenObject, sampleJson } from './sample-json.js';
import { autoToolChoice } from './tool-choice.js';

/** Options of one simulated answer. */
export interface SimulatedAnswerOptions {
  /** Answer JSON that fails the request's schema (and tool arguments that fail theirs). */
  invalid?: boolean;
  /** The `tool_call_rate` draw came up: with tools on auto, call one even unasked. */
  toolCall?: boolean;
}

/** Rough English average; good enough for usage figures and cost demos. */
const CHARS_PER_TOKEN = 4;
const ECHO_CHARS = 200;

export function estimateTokens(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

function messageChars(message: Message): number {
  switch (message.role) {
    case 'user':
      return message.content.length;
    case 'assistant':
      return (message.content ?? '').length + JSON.stringify(message.tool_calls ?? []).length;
    case 'tool':
      return message.content.length;
  }
}

function inputChars(request: CompletionRequest): number {
  let chars = (request.system ?? '').length;
  for (const message of request.messages) chars += messageChars(message);
  if (request.tools) chars += JSON.stringify(request.tools).length;
  return chars;
}

function lastPrompt(messages: readonly Message[]): string {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i];
    if (message && message.role !== 'assistant') return message.content;
  }
  return '';
}

/** The tool `tool_choice` forces (`required` or a name), else one auto picks, else none. */
function toolToCall(request: CompletionRequest, options: SimulatedAnswerOptions): string | null {
  const tools = request.tools ?? [];
  const choice = request.tool_choice;
  if (tools.length === 0 || choice === 'none') return null;
  if (choice === undefined || choice === 'auto')
    return autoToolChoice(request, options.toolCall === true);
  return (typeof choice === 'object' ? choice.name : tools[0]?.name) ?? null;
}

/** A call of the chosen tool whose arguments satisfy its input_schema (or break it, when told). */
function simulatedToolCall(
  model: string,
  request: CompletionRequest,
  options: SimulatedAnswerOptions,
): ToolCall | null {
  const tools = request.tools ?? [];
  const name = toolToCall(request, options);
  if (name === null) return null;
  const digest = createHash('sha256')
    .update(`${model}\u0000${JSON.stringify(request.messages)}`)
    .digest('hex');
  const schema = tools.find((t) => t.name === name)?.input_schema ?? {};
  const sampled = options.invalid
    ? (brokenObject(schema, 'simulated') ?? {})
    : sampleJson(schema, 'simulated');
  const args =
    typeof sampled === 'object' && sampled !== null && !Array.isArray(sampled)
      ? (sampled as Record<string, unknown>)
      : {};
  return { id: `sim_${digest.slice(0, 24)}`, name, arguments: args };
}

/** Cuts at the earliest stop sequence, then at `max_tokens`, the way a real model stops. */
function applyLimits(
  text: string,
  request: CompletionRequest,
): { text: string; stop: StopReason; raw: string } {
  let cut = text;
  let stop: StopReason = 'end_turn';
  let raw = 'end_turn';
  for (const sequence of request.stop ?? []) {
    const at = cut.indexOf(sequence);
    if (at >= 0) {
      cut = cut.slice(0, at);
      stop = 'stop_sequence';
      raw = 'stop_sequence';
    }
  }
  const maxChars =
    request.max_tokens === undefined ? Infinity : request.max_tokens * CHARS_PER_TOKEN;
  if (cut.length > maxChars) {
    cut = cut.slice(0, maxChars);
    stop = 'max_tokens';
    raw = 'max_tokens';
  }
  return { text: cut, stop, raw };
}

/**
 * A deterministic answer derived from the request: the same request to the same model always
 * gives the same completion, so cache and idempotency behaviour can be asserted.
 */
export function simulatedCompletion(
  model: string,
  request: CompletionRequest,
  options: SimulatedAnswerOptions = {},
): Completion {
  const input_tokens = estimateTokens(inputChars(request));
  const call = simulatedToolCall(model, request, options);
  if (call) {
    return {
      output: {
        text: '',
        tool_calls: [call],
        stop_reason: 'tool_use',
        raw_stop_reason: 'tool_use',
      },
      usage: { input_tokens, output_tokens: estimateTokens(JSON.stringify(call).length) },
    };
  }
  const prompt = lastPrompt(request.messages).slice(0, ECHO_CHARS);
  const { text, stop, raw } = applyLimits(answerText(model, prompt, request, options), request);
  return {
    output: { text, tool_calls: [], stop_reason: stop, raw_stop_reason: raw },
    usage: { input_tokens, output_tokens: Math.max(1, estimateTokens(text.length)) },
  };
}

/** Prose echoing the prompt, or JSON when the request asked for it (broken JSON when told to). */
function answerText(
  model: string,
  prompt: string,
  request: CompletionRequest,
  options: SimulatedAnswerOptions,
): string {
  const prose = `[simulated ${model}] ${prompt}`;
  const format = request.response_format;
  if (format === undefined || format.type === 'text') return prose;
  const schema = format.type === 'json_schema' ? format.json_schema.schema : null;
  if (options.invalid) return brokenJson(schema, prose);
  return JSON.stringify(schema ? sampleJson(schema, `simulated ${model}`) : { answer: prose });
}
