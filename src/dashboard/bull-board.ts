import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { RequestHandler } from 'express';

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
  createBullBoard({
    queues: queues.map(
      (queue, index) =>
        new BullMQAdapter(queue, {
          readOnlyMode: true,
          description: `ladder level ${index + 1}`,
        }),
    ),
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: 'llm-ladder',
        // The docs icon links to GitHub Pages; deployments are often offline.
        hideDocsLink: true,
        miscLinks: [{ text: 'Ladder', url: options.ladderPageUrl ?? '/admin/ladder' }],
      },
    },
  });
  // getRouter() is typed `any` upstream; it is the adapter's express app, a request handler.
  return serverAdapter.getRouter() as RequestHandler;
}
