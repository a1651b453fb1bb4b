import type { NextFunction, Request, RequestHandler, Response } from 'express';
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

/**
 * The first middleware of the app: a request for one of the hot routes (`POST /v1/jobs`) runs the
 * app's front middleware (`front`: the same list the app mounts for every other request) and then
 * the route's own, in the order the router would, without the router matching it against every
 * layer of the app and its sub-routers on the way (about a tenth of the API's CPU per request
 * under load). An error goes to the app's own `next`, which skips to the app's error handlers for
 * that path, as from any layer. Only the raw path exactly as declared is hot: any other spelling
 * (case, trailing slash, encoding) goes through the router and reaches the same route there.
 */
export function hotRoutes(
  front: readonly RequestHandler[],
  mounted: ReadonlyArray<{ base: string; route: HotRouteSpec }>,
): RequestHandler {
  const byKey = new Map(
    mounted.map(({ base, route }) => [
      `${route.method} ${base}${route.path}`,
      { chain: [...front, ...route.chain], handler: route.handler },
    ]),
  );
  return (req, res, out: NextFunction) => {
    const hot = byKey.get(`${req.method} ${rawPathname(req.url)}`);
    if (hot === undefined) {
      out();
      return;
    }
    const { chain, handler } = hot;
    const last: RequestHandler = (rq, rs) => handler(rq, rs);
    let index = 0;
    const next = (error?: unknown): void => {
      // Falsy is no error, as for the router; `next('route')` has no use here and none calls it.
      if (error) {
        out(error);
        return;
      }
      run(chain[index++] ?? last, req, res, next);
    };
    next();
  };
}
