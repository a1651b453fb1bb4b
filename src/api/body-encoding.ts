import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest } from './http-error.js';
import { prescanJson } from './json-prescan.js';

/**
 * `express.json` verify hook: JSON must be UTF-8 (RFC 8259), and not nested or sized to stall
 * JSON.parse (see json-prescan.ts). Without it, invalid bytes would be
 * replaced with U+FFFD and the mangled text sent to a provider; a 400 tells the caller instead.
 */
export function rejectInvalidUtf8(_req: IncomingMessage, _res: ServerResponse, body: Buffer): void {
  if (body.length > 0 && !isUtf8(body)) {
    throw badRequest('the body is not valid UTF-8', [
      { path: '(body)', message: 'send JSON encoded as UTF-8' },
    ]);
  }
  // Before JSON.parse: nesting and huge objects are refused without building them.
  const shape = prescanJson(body);
  if (shape !== null)
    throw badRequest('the body is too deeply nested or too large to read', [
      { path: '(body)', message: shape },
    ]);
}
