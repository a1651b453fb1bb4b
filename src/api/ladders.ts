import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import type { Logger } from '../util/log.js';
import { baseHeaders } from './app.js';
import { isOpenPath, rawPathname } from './auth-path.js';
import { anthropicErrorBody } from './anthropic-compat/errors.js';
import { isAnthropicCompatPath } from './anthropic-compat/paths.js';
import { hostOriginGuard } from './host-origin.js';
import { openAiErrorBody } from './openai-compat/errors.js';
import { isOpenAiCompatPath } from './openai-compat/paths.js';
import { docsRouter } from './routes/docs.js';
import { healthRouter } from './routes/health.js';
import type { Readiness } from './types.js';

/** The header that names a ladder on a root path (`/v1/...`) when one API serves several. */
export const LADDER_HEADER = 'x-ladder';

/** `/ladders/{name}` and what follows it, as sent (no decoding: the raw name must match exactly). */
const MOUNT = /^\/ladders(?:\/([^/]*)(\/.*)?)?\/?$/;

/** A name as the config allows it; anything else is not echoed back. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function headerValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.trim();
}

/** The message of an answer that names no ladder, or one not served here. */
function noLadderMessage(asked: string | undefined, names: readonly string[]): string {
  const list = names.join(', ');
  const how = `name one in the path (/ladders/{name}/v1/...) or the X-Ladder header; ladders here: ${list}`;
  if (asked === undefined) return `this API serves several ladders: ${how}`;
  const shown = NAME.test(asked) ? `"${asked}"` : 'by that name';
  return `no ladder ${shown} here: ${how}`;
}

/** A 404 in the error shape the path's clients read (OpenAI's, Anthropic's, or the ladder's). */
function sendNoLadder(res: ServerResponse, path: string, message: string): void {
  const body = isAnthropicCompatPath(path)
    ? anthropicErrorBody('not_found_error', message)
    : isOpenAiCompatPath(path)
      ? openAiErrorBody(message, 'not_found_error', 'ladder_not_found')
      : { error: { message } };
  res.statusCode = 404;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
}

export interface LaddersHandlerOptions {
  /** Each ladder's app, served under `/ladders/{name}` (and on root paths with `X-Ladder: name`). */
  ladders: ReadonlyMap<string, RequestListener>;
  /** Everything else: the one ladder's own app, or with several, the root app (health, docs). */
  root: RequestListener;
  /** The ladder `root` serves, when there is one ladder: its name in `X-Ladder` is not an error. */
  rootLadder?: string;
}

/**
 * Chooses the app a request goes to, before any parsing: `/ladders/{name}/rest` goes to that
 * ladder's app as `/rest`, so its auth, its routes and its error shapes see the path they see at
 * the root (and a token is checked by the ladder it belongs to). A root path with `X-Ladder: name`
 * goes to that ladder unchanged; the open paths (`/healthz`, `/readyz`, `/docs`, `/openapi.json`)
 * stay with the root.
 */
export function createLaddersHandler(options: LaddersHandlerOptions): RequestListener {
  const names = [...options.ladders.keys()];
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const path = rawPathname(url);
    const mount = MOUNT.exec(path);
    if (mount !== null) {
      const name = mount[1];
      const rest = mount[2] ?? '/';
      const app = name === undefined ? undefined : options.ladders.get(name);
      if (app === undefined) {
        sendNoLadder(res, rest, noLadderMessage(name || undefined, names));
        return;
      }
      req.url = rest + url.slice(path.length);
      app(req, res);
      return;
    }
    const asked = headerValue(req.headers[LADDER_HEADER]);
    if (asked !== undefined && asked !== '' && !isOpenPath(url)) {
      const app = options.ladders.get(asked);
      if (app === undefined) {
        sendNoLadder(res, path, noLadderMessage(asked, names));
        return;
      }
      if (asked !== options.rootLadder) {
        app(req, res);
        return;
      }
    }
    options.root(req, res);
  };
}

/**
 * The root of an API serving several ladders: `/healthz`, `/readyz` (every ladder's), `/docs` and
 * `/openapi.json`. Anything else names no ladder: a 404 that lists them.
 */
export function createLaddersRootApp(options: {
  names: readonly string[];
  readiness: () => Promise<Readiness>;
  /** True when some ladder has no tokens, so the server listens on loopback only. */
  open: boolean;
  logger: Logger;
}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(hostOriginGuard({ open: options.open }));
  app.use(baseHeaders);
  app.use(healthRouter({ readiness: options.readiness, logger: options.logger }));
  app.use(docsRouter());
  app.use((req, res) => {
    sendNoLadder(res, rawPathname(req.originalUrl), noLadderMessage(undefined, options.names));
  });
  return app;
}
