import type { EventWriter, SendEvent } from '../compat/relay-job.js';
import { createdSeconds, servedModel } from '../openai-compat/to-completion.js';
import {
  incompleteDetails,
  itemId,
  outputText,
  responseObject,
  responsesUsage,
  type OutputItem,
  type RequestEcho,
} from './to-response.js';

/**
 * The Responses event sequence: response.created and response.in_progress, then per output item
 * response.output_item.added, its content (a message's content_part.added, output_text.delta
 * pieces, output_text.done and content_part.done; a function call's
 * function_call_arguments.delta pieces and .done), response.output_item.done, and at the end
 * response.completed (or response.incomplete at a length stop). Every event carries a
 * `sequence_number` from 0. The served model is known only at the end, so the response objects
 * before it name the model the request asked for. A stream that cannot finish ends with
 * response.failed naming the job.
 */
export function responsesEvents(
  jobId: string,
  requestedModel: string,
  echo: RequestEcho,
): (send: SendEvent) => EventWriter {
  return (rawSend) => {
    let sequence = 0;
    const send: SendEvent = (type, data) => rawSend(type, { ...data, sequence_number: sequence++ });
    const createdAt = Math.floor(Date.now() / 1000);
    /** Each item as the client has it so far: the `.done` events and the last response repeat it. */
    const items: OutputItem[] = [];
    const pending = (status: 'in_progress' | 'failed', error?: { code: string; message: string }) =>
      responseObject({
        jobId,
        createdAt,
        model: requestedModel,
        echo,
        status,
        output: status === 'failed' ? items : [],
        usage: null,
        ...(error ? { error } : {}),
      });

    return {
      begin() {
        send('response.created', { response: pending('in_progress') });
        send('response.in_progress', { response: pending('in_progress') });
      },
      open(index, block) {
        const item: OutputItem =
          block.kind === 'text'
            ? {
                type: 'message',
                id: itemId(jobId, 'message', index),
                status: 'in_progress',
                role: 'assistant',
                content: [],
              }
            : {
                type: 'function_call',
                id: itemId(jobId, 'function_call', index),
                call_id: block.id,
                name: block.name,
                arguments: '',
                status: 'in_progress',
              };
        items[index] = item;
        send('response.output_item.added', { output_index: index, item: structuredClone(item) });
        if (item.type === 'message') {
          item.content.push(outputText(''));
          send('response.content_part.added', {
            item_id: item.id,
            output_index: index,
            content_index: 0,
            part: outputText(''),
          });
        }
      },
      delta(index, piece) {
        const item = items[index];
        if (item?.type === 'message') {
          const part = item.content[0];
          if (part) part.text += piece;
          send('response.output_text.delta', {
            item_id: item.id,
            output_index: index,
            content_index: 0,
            delta: piece,
            logprobs: [],
          });
        } else if (item?.type === 'function_call') {
          item.arguments += piece;
          send('response.function_call_arguments.delta', {
            item_id: item.id,
            output_index: index,
            delta: piece,
          });
        }
      },
      close(index) {
        const item = items[index];
        if (item === undefined) return;
        if (item.type === 'message') {
          const text = item.content[0]?.text ?? '';
          send('response.output_text.done', {
            item_id: item.id,
            output_index: index,
            content_index: 0,
            text,
            logprobs: [],
          });
          send('response.content_part.done', {
            item_id: item.id,
            output_index: index,
            content_index: 0,
            part: outputText(text),
          });
        } else {
          send('response.function_call_arguments.done', {
            item_id: item.id,
            output_index: index,
            name: item.name,
            arguments: item.arguments,
          });
        }
        item.status = 'completed';
        send('response.output_item.done', { output_index: index, item: structuredClone(item) });
      },
      end(record) {
        const incomplete = incompleteDetails(record.output);
        if (incomplete)
          for (const item of items) if (item.type === 'message') item.status = 'incomplete';
        const response = responseObject({
          jobId,
          createdAt: createdSeconds(record),
          model: servedModel(record),
          echo,
          status: incomplete ? 'incomplete' : 'completed',
          output: items,
          usage: responsesUsage(record),
          incomplete,
        });
        send(incomplete ? 'response.incomplete' : 'response.completed', { response });
      },
      fail(message, code) {
        // The Responses API reports a response that could not finish as response.failed; the
        // ladder's reason (stream_restarted, ladder_exhausted, deadline_exceeded) leads the message.
        send('response.failed', {
          response: pending('failed', { code: 'server_error', message: `${code}: ${message}` }),
        });
      },
    };
  };
}
