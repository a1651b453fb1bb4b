import type { RequestHandler } from 'express';
import type { LadderOps } from '../../producer/ladder-ops.js';
import { HttpError } from '../http-error.js';
import { parseBreakerAction } from '../validation.js';

/** Express 5 path for a target whose model may contain slashes (`openrouter/meta/llama-3`). */
export const BREAKER_PATH = '/breakers/:provider/*model';

function targetFrom(params: Record<string, unknown>): string {
  const provider = params.provider;
  const model = params.model;
  // A `*model` wildcard arrives as its segments; join them back.
  const modelText = Array.isArray(model)
    ? model.map(String).join('/')
    : typeof model === 'string'
      ? model
      : '';
  if (typeof provider !== 'string' || provider === '' || modelText === '') {
    throw new HttpError(404, 'expected /breakers/<provider>/<model>');
  }
  return `${provider}/${modelText}`;
}

/**
 * Forces a breaker open or closed, or hands it back to the automatic rules. Shared by
 * `/v1/breakers` (bearer) and `/admin/breakers` (the ladder page, basic auth). The target is
 * checked against the ladder first, so a typo answers 404 with the known targets.
 */
export function breakerHandler(ops: LadderOps): RequestHandler {
  return async (req, res) => {
    const target = targetFrom(req.params);
    const action = parseBreakerAction(req.body);
    const state = await ops.ladder();
    const known = state.levels.flatMap((level) => level.targets.map((t) => t.target));
    if (!known.includes(target)) {
      throw new HttpError(404, `no target ${target} in the ladder`, {
        details: { known_targets: known },
      });
    }
    await ops.breaker(target, action);
    res.status(200).json({ target, action });
  };
}
