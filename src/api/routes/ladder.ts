import { Router } from 'express';
import type { LadderOps } from '../../producer/ladder-ops.js';
import { requireJson } from '../validation.js';
import { BREAKER_PATH, breakerHandler } from './breakers.js';
import { LEVEL_PATH, levelHandler } from './levels.js';

/** `/v1/ladder`, `/v1/breakers/...` and `/v1/levels/...`. */
export function ladderRouter(ops: LadderOps): Router {
  const router = Router();
  router.get('/ladder', async (_req, res) => {
    res.status(200).json(await ops.ladder());
  });
  router.post(BREAKER_PATH, requireJson, breakerHandler(ops));
  router.post(LEVEL_PATH, requireJson, levelHandler(ops));
  return router;
}
