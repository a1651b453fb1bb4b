import { once } from 'node:events';
import { Router, type Request, type Response } from 'express';
import type { LadderOps } from '../../producer/ladder-ops.js';
import { isBadEventIdError, isUnknownJobError } from '../../streaming/errors.js';
import type { JobEvent } from '../../streaming/events.js';
import { formatSse, SSE_HEARTBEAT } from '../../streaming/sse.js';
import { tickBatch } from '../compat/tick-batch.js';
import { HttpError } from '../http-error.js';
import { parseJobId } from '../validation.js';

/** Between heartbeats (comment lines) on a quiet stream. */
export const HEARTBEAT_MS = 15_000;

/** `Last-Event-ID` as browsers send it on reconnect, or `?last_event_id=` for clients that cannot. */
function lastEventIdOf(req: Request): string | undefined {
  const header = req.headers['last-event-id'];
  if (typeof header === 'string' && header !== '') return header;
  const query = req.query.last_event_id;
  return typeof query === 'string' && query !== '' ? query : undefined;
}

/** Opens the job's events, with the refusals a reader must see as HTTP answers. */
async function openEvents(
  ops: LadderOps,
  id: string,
  lastEventId: string | undefined,
  signal: AbortSignal,
): Promise<AsyncIterable<JobEvent>> {
  if (!ops.events) throw new HttpError(501, 'this server has no job event source');
  try {
    return await ops.events(id, { ...(lastEventId ? { lastEventId } : {}), signal });
  } catch (error) {
    if (isUnknownJobError(error)) throw new HttpError(404, error.message);
    if (isBadEventIdError(error)) {
      throw new HttpError(400, error.message, {
        problems: [{ path: 'Last-Event-ID', message: error.message }],
      });
    }
    throw error;
  }
}

/**
 * Writes events as the reader takes them. A slow reader only waits for its own socket to drain:
 * the job writes to Redis and never waits for any reader.
 */
async function relay(res: Response, events: AsyncIterable<JobEvent>, signal: AbortSignal) {
  const batch = tickBatch(res);
  for await (const event of events) {
    if (signal.aborted) return;
    batch();
    if (!res.write(formatSse(event))) {
      await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
  }
}

/** `GET /v1/jobs/{id}/events`: the job's events as Server-Sent Events, resumable by id. */
export function jobEventsRouter(ops: LadderOps): Router {
  const router = Router();
  router.get('/jobs/:id/events', async (req, res) => {
    const id = parseJobId(req.params.id);
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const events = await openEvents(ops, id, lastEventIdOf(req), gone.signal);
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    const heartbeat = setInterval(() => res.write(SSE_HEARTBEAT), HEARTBEAT_MS);
    try {
      await relay(res, events, gone.signal);
    } catch {
      // Redis went away mid-stream: the reader reconnects with its Last-Event-ID.
    } finally {
      clearInterval(heartbeat);
      res.end();
    }
  });
  return router;
}
