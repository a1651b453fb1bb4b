import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { RequestHandler } from 'express';
import { META_KEY, type LadderJobMeta } from '../jobs/job-data.js';

/** The job's data as its producer sent it: the ladder's routing metadata is shown in its name. */
function withoutLadderMeta(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || !(META_KEY in data)) return data;
  const { [META_KEY]: _meta, ...rest } = data as Record<string, unknown>;
  return rest;
}

/** `completion · entered level 1, floor 5`: the routing the ladder keeps in `_ladder`, labelled. */
function nameWithRouting(job: { name?: string; data?: unknown }): string {
  const name = job.name ?? '';
  const data = job.data as Record<string, unknown> | null | undefined;
  const meta = data?.[META_KEY] as Partial<LadderJobMeta> | undefined;
  if (!meta || typeof meta !== 'object') return name;
  return `${name} · entered level ${String(meta.entry_level)}, floor ${String(meta.floor)}`;
}

export interface BullBoardOptions {
  /** Where the router is mounted; Bull Board builds its links from it. Default `/admin/queues`. */
  basePath?: string;
  /** The ladder page, linked from Bull Board's header. Default `/admin/ladder`. */
  ladderPageUrl?: string;
}

/**
 * Bull Board over every level's queue, read-only: its pause button sets the same Redis flag the
 * breaker uses to take a level down, so an operator's pause there would fight the breaker.
 * Operators pause through `ladder breaker open` or `POST /v1/breakers/...` instead.
 * No auth of its own: the app's auth middleware runs in front of it.
 */
export function bullBoardRouter(
  queues: readonly Queue[],
  options: BullBoardOptions = {},
): RequestHandler {
  const basePath = options.basePath ?? '/admin/queues';
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  // Bull Board sorts its overview by display name: the level number in front keeps ladder order.
  const width = String(queues.length).length;
  createBullBoard({
    queues: queues.map((queue, index) => {
      const level = String(index + 1).padStart(width, '0');
      const adapter = new BullMQAdapter(queue, {
        readOnlyMode: true,
        description: `ladder level ${index + 1}`,
        displayName: `${level} ${queue.name}`,
      });
      adapter.setFormatter('data', withoutLadderMeta);
      adapter.setFormatter('name', nameWithRouting);
      return adapter;
    }),
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: 'llm-ladder',
        // The docs icon links to GitHub Pages; deployments are often offline.
        hideDocsLink: true,
        // The menu in the order given, the ladder's, not alphabetical.
        sortQueues: false,
        miscLinks: [{ text: 'Ladder', url: options.ladderPageUrl ?? '/admin/ladder' }],
      },
    },
  });
  // getRouter() is typed `any` upstream; it is the adapter's express app, a request handler.
  return serverAdapter.getRouter() as RequestHandler;
}
