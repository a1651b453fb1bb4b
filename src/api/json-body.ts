import express, { type NextFunction, type Request, type RequestHandler } from 'express';
import type { Logger } from '../util/log.js';
import { rejectInvalidUtf8 } from './body-encoding.js';
import { HttpError, isHttpError } from './http-error.js';
import { isPlainJsonRequest, readPlainJson } from './plain-json-body.js';

/** body-parser's error types, in our words: its own messages may quote the body. */
const MESSAGES: Record<string, string> = {
  'entity.too.large': 'the body is larger than api.max_body_bytes',
  'entity.parse.failed': 'the body is not valid JSON',
  'encoding.unsupported': 'unsupported Content-Encoding: send identity, gzip, deflate or br',
  'charset.unsupported': 'unsupported charset: send UTF-8 JSON',
  'request.aborted': 'the request was aborted',
  'request.size.invalid': 'the body length does not match Content-Length',
};

/** Encodings body-parser inflates; anything else is refused with 415 before reading. */
const INFLATED = new Set(['gzip', 'x-gzip', 'deflate', 'br']);

function statusOf(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' ? value : null;
}

/**
 * What the body parser failed with, as the client's error, or null when it is ours (a 5xx). An
 * error with no body-parser `type` but a 4xx status is zlib's: bytes that do not decode as the
 * `Content-Encoding` says.
 */
function refusal(error: unknown, encoding: string): HttpError | null {
  if (isHttpError(error)) return error;
  const status = statusOf(error);
  if (status === null || status < 400 || status >= 500) return null;
  const type = (error as { type?: unknown }).type;
  const known = typeof type === 'string' ? MESSAGES[type] : undefined;
  if (known !== undefined) return new HttpError(status, known);
  // The header is named only when it is one we inflate: the message never echoes request headers.
  const named = INFLATED.has(encoding) ? ` (${encoding})` : '';
  return new HttpError(400, `the body does not match its Content-Encoding${named}`);
}

/** Why a body was refused, for the log line: body-parser's type or zlib's code, never a message. */
function reason(error: unknown): string | undefined {
  const { type, code } = error as { type?: unknown; code?: unknown };
  if (typeof type === 'string') return type;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A plain JSON body (UTF-8, not compressed, with its length: what API clients send) is read by
 * plain-json-body.ts, which does only what body-parser would for it, at about a third of its CPU;
 * any other body goes to body-parser. Either way the same verify hook and the same answers.
 *
 * `express.json` whose failures are the client's: every 4xx it raises (a bad encoding, bad JSON,
 * too large, not UTF-8, nested to stall JSON.parse) becomes an HttpError with our message and one
 * log line without a stack; before, a body whose bytes did not match its `Content-Encoding` answered
 * 500 with zlib's stack in the log.
 */
export function jsonBody(options: { limitBytes: number; logger: Logger }): RequestHandler {
  const parse = express.json({
    limit: options.limitBytes,
    strict: true,
    verify: rejectInvalidUtf8,
  });
  const fail = (req: Request, error: unknown, next: NextFunction): void => {
    const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    const refused = refusal(error, encoding);
    if (refused === null) {
      next(error);
      return;
    }
    options.logger.info(
      { method: req.method, path: req.path, status: refused.status, reason: reason(error) },
      'request body refused',
    );
    next(refused);
  };
  return (req, res, next) => {
    if (isPlainJsonRequest(req, options.limitBytes)) {
      readPlainJson(req, res, rejectInvalidUtf8, (error, body) => {
        if (error !== undefined) {
          fail(req, error, next);
          return;
        }
        req.body = body;
        next();
      });
      return;
    }
    parse(req, res, (error?: unknown) => {
      if (error === undefined) {
        next();
        return;
      }
      fail(req, error, next);
    });
  };
}
