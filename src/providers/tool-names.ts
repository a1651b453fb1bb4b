import type { Message } from '../ladder/job-schema.js';

/**
 * Tool results carry only the call id; Gemini wants the function name back, so it is looked up in
 * the assistant turns that made the calls.
 */
export function toolNamesById(messages: readonly Message[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) {
    if (message.role !== 'assistant') continue;
    for (const call of message.tool_calls ?? []) names.set(call.id, call.name);
  }
  return names;
}
