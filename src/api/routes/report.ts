import { Router } from 'express';
import { parseSince } from '../../cost/duration.js';
import { checkReportRange, ReportRangeError } from '../../cost/report-range.js';
import type { LadderOps } from '../../producer/ladder-ops.js';
import { HttpError } from '../http-error.js';

/** The query value as one string, or undefined; repeated parameters are a client error. */
function single(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new HttpError(400, `give ${name} once, as text`);
  return value;
}

function timeOf(text: string, name: string, nowMs: number): number {
  try {
    return parseSince(text, nowMs);
  } catch (error) {
    throw new HttpError(400, `${name}: ${(error as Error).message}`);
  }
}

/**
 * `GET /v1/report?since=24h[&until=...]`: the cost and traffic report (see `Report`). `since`
 * defaults to 24h; both take a span back from now (`90m`, `7d`) or an ISO 8601 time.
 */
export function reportRouter(ops: LadderOps, now: () => number = Date.now): Router {
  const router = Router();
  router.get('/report', async (req, res) => {
    if (!ops.report) throw new HttpError(501, 'this server has no report source');
    const nowMs = now();
    const sinceMs = timeOf(single(req.query.since, 'since') ?? '24h', 'since', nowMs);
    const untilText = single(req.query.until, 'until');
    const untilMs = untilText === undefined ? nowMs : timeOf(untilText, 'until', nowMs);
    let range: { sinceMs: number; untilMs: number };
    try {
      // Checked here too, so a bad range is refused before any Redis read.
      range = checkReportRange({ sinceMs, untilMs, nowMs });
    } catch (error) {
      if (!(error instanceof ReportRangeError)) throw error;
      throw new HttpError(400, error.message, { details: { param: error.param } });
    }
    res.status(200).json(await ops.report(range));
  });
  return router;
}
