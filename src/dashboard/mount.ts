import type { Queue } from 'bullmq';
import type { Express } from 'express';
import type { LadderOps } from '../producer/ladder-ops.js';
import { bullBoardRouter } from './bull-board.js';
import { bullBoardPolicy } from './bull-board-policy.js';
import { ladderPageRouter, type BreakerRoute } from './ladder-page.js';

export const BULL_BOARD_PATH = '/admin/queues';
export const LADDER_PAGE_PATH = '/admin/ladder';

/** Mounts Bull Board and the ladder page under `/admin`; auth must already be in front. */
export function mountDashboard(
  app: Express,
  deps: { ops: LadderOps; queues: readonly Queue[]; breakerRoute: BreakerRoute },
): void {
  app.use(
    BULL_BOARD_PATH,
    bullBoardPolicy,
    bullBoardRouter(deps.queues, { basePath: BULL_BOARD_PATH, ladderPageUrl: LADDER_PAGE_PATH }),
  );
  app.use('/admin', ladderPageRouter(deps.ops, deps.breakerRoute));
}
