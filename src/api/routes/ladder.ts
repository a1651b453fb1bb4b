import { Router } from 'express';
import type { LadderOps } from '../../producer/ladder-ops.js';
import { requireJson } from '../validation.js';
import { BREAKER_PATH, breakerHandler } from './breakers.js';

/** `/v1/ladder` and `/v1/breakers/...`. */
export function ladderRouter(ops: LadderOps): Router {
  const router = Router();
  router.get('/ladder', async (_req, res) => {
    res.status(200).json(await ops.ladder());
  });
  router.post(BREAKER_PATH, requireJson, breakerHandler(ops));
  return router;
}
