import type { IncomingMessage, ServerResponse } from 'node:http';

/** What body-parser would fail with: its status and `type`, which json-body.ts turns into our answer. */
export interface BodyFailure {
  status: number;
  type: string;
}

const failure = (status: number, type: string): BodyFailure => ({ status, type });

/** `Content-Type` values (lower-cased) that are UTF-8 JSON with no parameter but the charset. */
export const PLAIN_JSON_TYPES: ReadonlySet<string> = new Set([
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=utf-8',
]);

const DIGITS = /^\d+$/;

/**
 * Whether a request's body can be read here exactly as `express.json` would read it, from its
 * headers alone: JSON in UTF-8 (no charset or `utf-8`), no `Content-Encoding`, no
 * `Transfer-Encoding`, a `Content-Length` within the limit, not yet read. Everything else (chunked,
 * compressed, other charsets, too large, odd spellings of the type) is left to body-parser, which
 * answers it as before.
 */
export function isPlainJsonRequest(req: IncomingMessage, limitBytes: number): boolean {
  const { headers } = req;
  const type = headers['content-type'];
  const length = headers['content-length'];
  return (
    type !== undefined &&
    PLAIN_JSON_TYPES.has(type.toLowerCase()) &&
    headers['content-encoding'] === undefined &&
    headers['transfer-encoding'] === undefined &&
    length !== undefined &&
    DIGITS.test(length) &&
    Number(length) <= limitBytes &&
    !req.complete
  );
}

/** JSON's whitespace (RFC 8259): what body-parser skips before the first character. */
const WHITESPACE: ReadonlySet<number> = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * body-parser's strict JSON: `{}` for an empty body, else an object or array, else its parse
 * error; `{ failed }` rather than a throw, so no exception is built for a bad body.
 */
function parseStrict(text: string): { body: unknown } | { failed: BodyFailure } {
  if (text.length === 0) return { body: {} };
  let i = 0;
  while (i < text.length && WHITESPACE.has(text.charCodeAt(i))) i++;
  const first = text[i];
  if (first !== '{' && first !== '[') return { failed: failure(400, 'entity.parse.failed') };
  try {
    return { body: JSON.parse(text) as unknown };
  } catch {
    return { failed: failure(400, 'entity.parse.failed') };
  }
}

/**
 * Reads a plain JSON request (see isPlainJsonRequest) with what body-parser does for it and
 * nothing else (no content-type parsing, no stream decoder, no iconv): the bytes, `verify` on
 * them, UTF-8 without its BOM, strict JSON. Calls `done` with the body, or with the error
 * body-parser would have given: `verify`'s own (typed `entity.verify.failed` when untyped),
 * `entity.parse.failed`, or `request.aborted` when the client went away mid-body.
 */
export function readPlainJson(
  req: IncomingMessage,
  res: ServerResponse,
  verify: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void,
  done: (error: unknown, body?: unknown) => void,
): void {
  const chunks: Buffer[] = [];
  let finished = false;
  const finish = (error: unknown, body?: unknown): void => {
    if (finished) return;
    finished = true;
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('close', onClose);
    done(error, body);
  };
  const onData = (chunk: Buffer): void => {
    chunks.push(chunk);
  };
  // A request cut short closes before it is complete (Node emits its 'error' only to listeners).
  const onClose = (): void => {
    if (!req.complete) finish(failure(400, 'request.aborted'));
  };
  const onEnd = (): void => {
    const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    try {
      verify(req, res, bytes);
    } catch (error) {
      const typed = error as { type?: unknown };
      if (typed.type === undefined) typed.type = 'entity.verify.failed';
      finish(error);
      return;
    }
    let text = bytes.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const parsed = parseStrict(text);
    if ('failed' in parsed) finish(parsed.failed);
    else finish(undefined, parsed.body);
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('close', onClose);
}
