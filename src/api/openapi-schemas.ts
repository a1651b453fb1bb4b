import { z } from 'zod';
import { batchAnswerSchema, enqueueAnswerSchema, errorBodySchema } from '../ladder/answers.js';
import { jobInputSchema } from '../ladder/job-schema.js';
import { problemSchema } from '../ladder/problem.js';
import { attemptSchema, jobResultSchema } from '../ladder/result.js';
import { breakerSnapshotSchema, ladderStateSchema, levelStateSchema } from '../ladder/state.js';

/** JSON Schema objects (2020-12, which OpenAPI 3.1 uses) for the component section. */
type Schema = Record<string, unknown>;

const COMPONENTS = '#/components/schemas/';
const ref = (name: string): Schema => ({ $ref: `${COMPONENTS}${name}` });

/** Drops the per-document keys zod adds to each schema; OpenAPI names components by their key. */
function component(schema: Record<string, unknown>): Schema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/** `z.number().int()` states JavaScript's safe-integer range as bounds; they say nothing to a reader. */
function dropSafeIntegerBounds(schema: Record<string, unknown>): void {
  if (schema.minimum === Number.MIN_SAFE_INTEGER) delete schema.minimum;
  if (schema.maximum === Number.MAX_SAFE_INTEGER) delete schema.maximum;
}

/** The job schema comes from the zod schema itself, so the document cannot drift from validation. */
function jobSchema(): Schema {
  return component(z.toJSONSchema(jobInputSchema, { unrepresentable: 'any' }));
}

/**
 * Every answer's shape, from the same zod schemas the HTTP client parses answers with. A schema
 * used inside another is written once and referenced (`Result.attempts` → `Attempt`).
 */
function answerSchemas(): Record<string, Schema> {
  const registry = z.registry<{ id: string }>();
  registry.add(enqueueAnswerSchema, { id: 'EnqueueAnswer' });
  registry.add(batchAnswerSchema, { id: 'BatchAnswer' });
  registry.add(jobResultSchema, { id: 'Result' });
  registry.add(attemptSchema, { id: 'Attempt' });
  registry.add(ladderStateSchema, { id: 'Ladder' });
  registry.add(levelStateSchema, { id: 'Level' });
  registry.add(breakerSnapshotSchema, { id: 'Breaker' });
  registry.add(problemSchema, { id: 'Problem' });
  registry.add(errorBodySchema, { id: 'Error' });
  // `input`: answers may carry fields added later, so objects do not forbid unknown properties.
  const { schemas } = z.toJSONSchema(registry, {
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `${COMPONENTS}${id}`,
    override: ({ jsonSchema }) => dropSafeIntegerBounds(jsonSchema),
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => [name, component(schema)]),
  );
}

export function componentSchemas(): Record<string, Schema> {
  return { Job: jobSchema(), ...answerSchemas() };
}

export { ref };
