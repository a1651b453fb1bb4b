import { createHash } from 'node:crypto';

export interface ToolCallIdInput {
  /** Gemini's `responseId` when given: keeps ids of identical calls in later turns distinct. */
  responseId: string;
  index: number;
  name: string;
  args: unknown;
}

/**
 * Gemini function calls usually carry no id, but tool results are matched by id in the
 * normalised shape: derive one that is the same for the same response (stable across re-reads).
 */
export function synthesizeToolCallId({ responseId, index, name, args }: ToolCallIdInput): string {
  const digest = createHash('sha256')
    .update(`${responseId}\u0000${index}\u0000${name}\u0000${JSON.stringify(args ?? {})}`)
    .digest('hex');
  return `call_${digest.slice(0, 24)}`;
}
