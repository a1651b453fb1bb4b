import type { ReplySpec } from './behaviours.js';

/** One provider's HTTP dialect: which paths it serves and how its bodies look. */
export interface WireFormat {
  /** The model a request is for, or null when the path is not this provider's. */
  route(method: string, path: string, body: unknown): string | null;
  success(model: string, reply: ReplySpec, callNumber: number): unknown;
  error(
    status: number,
    message: string,
    errorType: string | undefined,
    retryAfterSeconds?: number,
  ): unknown;
  /** What this provider says on 400 when the prompt does not fit the window. */
  contextLengthMessage: string;
  /** Whether Retry-After travels as an HTTP header (Gemini puts it in the body instead). */
  retryAfterHeader: boolean;
}

export function modelFromBody(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const model = (body as { model?: unknown }).model;
  return typeof model === 'string' ? model : null;
}
