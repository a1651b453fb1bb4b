import type { Queue } from 'bullmq';
import type { Express } from 'express';
import type { LadderOps } from '../producer/ladder-ops.js';
import { bullBoardRouter } from './bull-board.js';
import { bullBoardPolicy } from './bull-board-policy.js';
import { ladderPageRouter, type BreakerRoute } from './ladder-page.js';

export const BULL_BOARD_PATH = '/admin/queues';
export const LADDER_PAGE_PATH = '/admin/ladder';

/**
 * Mounts Bull Board and the ladder page under `/admin`; auth must already be in front. `basePath`
 * is where the app itself is mounted (`/ladders/team-a` when one API serves several ladders), for
 * the links the pages write; the routes stay relative to the app.
 */
export function mountDashboard(
  app: Express,
  deps: { ops: LadderOps; queues: readonly Queue[]; breakerRoute: BreakerRoute; basePath?: string },
): void {
  const base = deps.basePath ?? '';
  app.use(
    BULL_BOARD_PATH,
    bullBoardPolicy,
    bullBoardRouter(deps.queues, {
      basePath: base + BULL_BOARD_PATH,
      ladderPageUrl: base + LADDER_PAGE_PATH,
    }),
  );
  app.use('/admin', ladderPageRouter(deps.ops, deps.breakerRoute, base));
}
