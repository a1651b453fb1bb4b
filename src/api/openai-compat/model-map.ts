import { complexitySchema, type Complexity } from '../../ladder/job-schema.js';
import type { LadderCatalog } from '../../producer/ladder-ops.js';
import { invalidRequest } from './errors.js';

/** The `model` that means "the whole ladder from the top". */
export const LADDER_MODEL = 'ladder';

/** Where a job enters the ladder, as job fields plus an optional target to try first. */
export type Entry =
  | { kind: 'ladder' }
  | { kind: 'level'; level: string }
  | { kind: 'complexity'; complexity: Complexity }
  | { kind: 'target'; level: number; prefer: string };

const COMPLEXITIES: readonly Complexity[] = complexitySchema.options;

/**
 * Reads `model`. Level names win over complexities (a ladder may call a level `simple`), and
 * both over targets; a target enters the first level that lists it.
 */
export function resolveModel(catalog: LadderCatalog, model: string): Entry | null {
  if (model === LADDER_MODEL) return { kind: 'ladder' };
  if (catalog.levels.some((l) => l.name === model)) return { kind: 'level', level: model };
  const complexity = COMPLEXITIES.find((c) => c === model);
  if (complexity !== undefined) return { kind: 'complexity', complexity };
  const holder = catalog.levels.find((l) => l.targets.includes(model));
  return holder ? { kind: 'target', level: holder.level, prefer: model } : null;
}

/** Same as resolveModel, or the 400 OpenAI answers for an unknown model. */
export function entryFor(catalog: LadderCatalog, model: string): Entry {
  const entry = resolveModel(catalog, model);
  if (entry !== null) return entry;
  throw invalidRequest(
    `The model \`${model.slice(0, 200)}\` does not exist on this ladder: use "ladder", a level name, a complexity (simple, standard, complex) or a provider/model target; GET /v1/models lists them`,
    'model',
    'model_not_found',
  );
}

/** Every value `model` accepts, in the order GET /v1/models lists them, without duplicates. */
export function modelIds(catalog: LadderCatalog): string[] {
  const ids = [
    LADDER_MODEL,
    ...catalog.levels.map((l) => l.name),
    ...COMPLEXITIES,
    ...catalog.levels.flatMap((l) => l.targets),
  ];
  return [...new Set(ids)];
}

/** Job fields for an entry; `prefer` travels beside the job, not in it. */
export function entryFields(entry: Entry): { level?: string | number; complexity?: Complexity } {
  switch (entry.kind) {
    case 'ladder':
      return {};
    case 'level':
      return { level: entry.level };
    case 'complexity':
      return { complexity: entry.complexity };
    case 'target':
      return { level: entry.level };
  }
}
