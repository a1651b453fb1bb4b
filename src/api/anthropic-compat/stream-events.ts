import type { Block } from '../compat/block-relay.js';
import type { EventWriter, SendEvent } from '../compat/relay-job.js';
import { anthropicStopReason, anthropicUsage, messageId } from './to-message.js';

/**
 * Anthropic's event sequence for one message: message_start, then per block content_block_start,
 * content_block_delta (text_delta or input_json_delta), content_block_stop, then message_delta
 * with the stop reason and usage, and message_stop. The served model is known only at the end,
 * so message_start names the model the request asked for.
 */
export function anthropicEvents(
  jobId: string,
  requestedModel: string,
): (send: SendEvent) => EventWriter {
  return (send) => {
    const kinds = new Map<number, Block['kind']>();
    return {
      begin() {
        send('message_start', {
          message: {
            id: messageId(jobId),
            type: 'message',
            role: 'assistant',
            model: requestedModel,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 0, output_tokens: 0 },
          },
        });
      },
      open(index, block) {
        kinds.set(index, block.kind);
        const content_block =
          block.kind === 'text'
            ? { type: 'text', text: '' }
            : { type: 'tool_use', id: block.id, name: block.name, input: {} };
        send('content_block_start', { index, content_block });
      },
      delta(index, piece) {
        const delta =
          kinds.get(index) === 'text'
            ? { type: 'text_delta', text: piece }
            : { type: 'input_json_delta', partial_json: piece };
        send('content_block_delta', { index, delta });
      },
      close(index) {
        send('content_block_stop', { index });
      },
      end(record) {
        send('message_delta', {
          delta: { stop_reason: anthropicStopReason(record.output), stop_sequence: null },
          usage: anthropicUsage(record),
        });
        send('message_stop', {});
      },
      fail(message, code) {
        // Anthropic's in-stream error; the SDK raises it. 529 semantics for a ladder with no level left.
        const type =
          code === 'ladder_exhausted'
            ? 'overloaded_error'
            : code === 'deadline_exceeded'
              ? 'timeout_error'
              : 'api_error';
        send('error', { error: { type, message } });
      },
    };
  };
}
