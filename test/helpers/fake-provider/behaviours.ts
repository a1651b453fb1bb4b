import type { StreamBehaviour } from './stream-behaviour.js';
import type { StructuredBehaviour } from './structured.js';

/** What the fake provider does with one call. Every behaviour may wait `delayMs` first. */
export type FakeProviderName = 'anthropic' | 'openai' | 'google';

export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens?: number;
}

/** How the reply ends, written in each provider's own words by its wire format. */
export type FakeStop =
  'end' | 'max_tokens' | 'stop_sequence' | 'tool' | 'content_filter' | 'unknown';

interface Timed {
  /** Wait this long before answering. Default 0. */
  delayMs?: number;
}

export type Behaviour =
  /** A paced stream with faults (stream-behaviour.ts); the whole text for a plain request. */
  | StreamBehaviour
  /** JSON in answer to the request's structured-output form (structured.ts). */
  | StructuredBehaviour
  | (Timed &
      (
        | { kind: 'text'; text?: string; usage?: FakeUsage | null; stop?: FakeStop }
        | {
            kind: 'tool_call';
            name: string;
            arguments?: Record<string, unknown>;
            id?: string;
            text?: string;
          }
        /** A tool call whose arguments are not a JSON object (OpenAI: broken JSON string). */
        | { kind: 'bad_tool_arguments'; name: string }
        /** A 2xx with no text and no tool calls. */
        | { kind: 'empty' }
        /** A 2xx whose stop reason the adapter has never heard of. */
        | { kind: 'unknown_stop'; text?: string }
        /** A 2xx without a usage block. */
        | { kind: 'no_usage'; text?: string }
        /** An error answer in the provider's error format. */
        | {
            kind: 'status';
            status: number;
            message?: string;
            /** Provider error type/status string; default chosen from the status. */
            errorType?: string;
            /** Sent as the Retry-After header (Anthropic, OpenAI) or as RetryInfo (Gemini). */
            retryAfterSeconds?: number;
          }
        /** 400 (Gemini, OpenAI, Anthropic) saying the prompt is too long, in that provider's words. */
        | { kind: 'context_length' }
        /** 503 in the provider's format; with setDefault it takes a target down. */
        | { kind: 'down' }
        /** Never answers, until the client gives up or the server closes. */
        | { kind: 'hang' }
        /** Destroys the socket without a response. */
        | { kind: 'reset' }
        /** 200 with a body that is not JSON. */
        | { kind: 'malformed' }
      ));

export const ok = (
  text = 'Hello from the fake provider.',
  usage?: FakeUsage | null,
): Behaviour => ({
  kind: 'text',
  text,
  ...(usage === undefined ? {} : { usage }),
});
export const toolCall = (name: string, args: Record<string, unknown> = {}): Behaviour => ({
  kind: 'tool_call',
  name,
  arguments: args,
});
export const status = (
  code: number,
  options: { message?: string; retryAfterSeconds?: number } = {},
): Behaviour => ({
  kind: 'status',
  status: code,
  ...options,
});
export const hang = (): Behaviour => ({ kind: 'hang' });
export const reset = (): Behaviour => ({ kind: 'reset' });
export const malformed = (): Behaviour => ({ kind: 'malformed' });
export const down = (): Behaviour => ({ kind: 'down' });
export const contextLength = (): Behaviour => ({ kind: 'context_length' });

/** A reply the wire formats render; derived from the 2xx behaviours. */
export interface ReplySpec {
  text: string;
  toolCalls: { id: string; name: string; arguments: Record<string, unknown> | string }[];
  stop: FakeStop;
  usage: FakeUsage | null;
}

export const DEFAULT_USAGE: FakeUsage = { input_tokens: 12, output_tokens: 7 };

/** Null for behaviours that are not a 2xx reply. */
export function replyOf(behaviour: Behaviour, callNumber: number): ReplySpec | null {
  switch (behaviour.kind) {
    case 'text':
      return {
        text: behaviour.text ?? 'Hello from the fake provider.',
        toolCalls: [],
        stop: behaviour.stop ?? 'end',
        usage: behaviour.usage === undefined ? DEFAULT_USAGE : behaviour.usage,
      };
    case 'tool_call':
      return {
        text: behaviour.text ?? '',
        toolCalls: [
          {
            id: behaviour.id ?? `toolu_fake_${callNumber}`,
            name: behaviour.name,
            arguments: behaviour.arguments ?? {},
          },
        ],
        stop: 'tool',
        usage: DEFAULT_USAGE,
      };
    case 'bad_tool_arguments':
      return {
        text: '',
        toolCalls: [
          { id: `toolu_fake_${callNumber}`, name: behaviour.name, arguments: '{"city": "Par' },
        ],
        stop: 'tool',
        usage: DEFAULT_USAGE,
      };
    case 'empty':
      return { text: '', toolCalls: [], stop: 'end', usage: DEFAULT_USAGE };
    case 'unknown_stop':
      return {
        text: behaviour.text ?? 'odd ending',
        toolCalls: [],
        stop: 'unknown',
        usage: DEFAULT_USAGE,
      };
    case 'stream': {
      const call = behaviour.toolCall;
      return {
        text: behaviour.text ?? 'Hello from the fake provider.',
        toolCalls: call
          ? [
              {
                id: call.id ?? `toolu_fake_${callNumber}`,
                name: call.name,
                arguments: call.arguments,
              },
            ]
          : [],
        stop: call ? 'tool' : 'end',
        usage: behaviour.usage === undefined ? DEFAULT_USAGE : behaviour.usage,
      };
    }
    case 'no_usage':
      return { text: behaviour.text ?? 'no usage here', toolCalls: [], stop: 'end', usage: null };
    default:
      return null;
  }
}
