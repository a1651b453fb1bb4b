import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express, Request, RequestHandler, Response } from 'express';
import { rawPathname } from './auth-path.js';

/** A hot route's own handler: it always answers or throws, so nothing can fall through. */
export type TerminalHandler = (req: Request, res: Response) => Promise<void> | void;

/** One route as its router declares it; the router and the hot lane both serve this object. */
export interface HotRouteSpec {
  method: 'POST';
  /** Relative to where the router is mounted (`/jobs` under `/v1`). */
  path: string;
  /** The route's own middleware, before its handler. */
  chain: readonly RequestHandler[];
  handler: TerminalHandler;
}

/** What the router does with a handler's result: a rejected promise is the handler's error. */
function run(
  handler: RequestHandler,
  req: Request,
  res: Response,
  next: (error?: unknown) => void,
): void {
  try {
    const ret: unknown = handler(req, res, next);
    if (ret instanceof Promise)
      ret.catch((error: unknown) => next(error ?? new Error('Rejected promise')));
  } catch (error) {
    next(error);
  }
}

/** Express's `app.handle`, which `app(req, res)` calls; not in its published types. */
type AppHandle = (
  req: IncomingMessage,
  res: ServerResponse,
  callback?: (error?: unknown) => void,
) => void;

/**
 * Serves the hot routes (`POST /v1/jobs`, `POST /v1/chat/completions`) before Express's router: a
 * request for one runs the app's front middleware (`front`: the same list the app mounts for every
 * other request) and then the route's own, in the order the router would, with the request and
 * response Express would hand them; the router's walk over every layer of the app and its
 * sub-routers (about a tenth of the API's CPU per request under load) is skipped. An error
 * re-enters the app: the layer this mounts first passes it on from there, so the app's own error
 * handlers for that path render it, as from any layer. Only the raw path exactly as declared is
 * hot: any other spelling (case, trailing slash, encoding) goes through the router and reaches the
 * same route there. Call it where the first middleware of the app is mounted.
 */
export function serveHotRoutes(
  app: Express,
  front: readonly RequestHandler[],
  mounted: ReadonlyArray<{ base: string; route: HotRouteSpec }>,
): void {
  const byKey = new Map(
    mounted.map(({ base, route }) => {
      const { handler } = route;
      const last: RequestHandler = (req, res) => handler(req, res);
      return [`${route.method} ${base}${route.path}`, [...front, ...route.chain, last]];
    }),
  );
  const failed = new WeakMap<IncomingMessage, unknown>();
  app.use((req, _res, next) => {
    const error = failed.get(req);
    if (error === undefined) {
      next();
      return;
    }
    failed.delete(req);
    next(error);
  });
  const handled = app as unknown as { handle: AppHandle };
  const appHandle = handled.handle;
  handled.handle = function handle(this: Express, req, res, callback) {
    const chain =
      callback === undefined ? byKey.get(`${req.method} ${rawPathname(req.url ?? '')}`) : undefined;
    if (chain === undefined) {
      appHandle.call(this, req, res, callback);
      return;
    }
    const request = expressRequest(this, req, res);
    let index = 0;
    const next = (error?: unknown): void => {
      // Falsy is no error, as for the router; `next('route')` has no use here and none calls it.
      if (error) {
        failed.set(req, error);
        appHandle.call(this, req, res);
        return;
      }
      const handler = chain[index++];
      if (handler !== undefined) run(handler, request, res as Response, next);
    };
    next();
  };
}

/** What `app.handle` and the router set up before the first layer (x-powered-by is off). */
function expressRequest(app: Express, req: IncomingMessage, res: ServerResponse): Request {
  if (app.enabled('x-powered-by')) res.setHeader('X-Powered-By', 'Express');
  Object.setPrototypeOf(req, app.request);
  Object.setPrototypeOf(res, app.response);
  const request = req as Request;
  const response = res as Response;
  request.res = response;
  response.req = request;
  response.locals ??= Object.create(null) as Response['locals'];
  request.originalUrl ||= request.url;
  request.baseUrl = '';
  request.params = {};
  return request;
}
