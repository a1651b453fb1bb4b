import type { RequestHandler } from 'express';
import { z } from 'zod';
import { levelActionSchema } from '../../ladder/literals.js';
import type { LadderOps } from '../../producer/ladder-ops.js';
import { badRequest, HttpError } from '../http-error.js';

export const LEVEL_PATH = '/levels/:level';

const body = z.object({ action: levelActionSchema });

/**
 * An operator's pause of a level, or its end (`ladder pause|resume --url`). The level, a number
 * or a name, is checked against the ladder first, so a typo answers 404 with the known levels.
 */
export function levelHandler(ops: LadderOps): RequestHandler {
  return async (req, res) => {
    const parsed = body.safeParse(req.body);
    if (!parsed.success)
      throw badRequest('invalid level action', [
        { path: 'action', message: 'expected one of "pause", "resume"' },
      ]);
    if (!ops.levelAction) throw new HttpError(501, 'this API cannot pause levels');
    const ref = String(req.params.level);
    const state = await ops.ladder();
    const level = state.levels.find((l) => l.name === ref || String(l.level) === ref);
    if (!level) {
      throw new HttpError(404, `no level ${ref} in the ladder`, {
        details: { known_levels: state.levels.map((l) => l.name) },
      });
    }
    const done = await ops.levelAction(level.name, parsed.data.action);
    res.status(200).json({ ...done, action: parsed.data.action });
  };
}
