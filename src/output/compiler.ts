import { createHash } from 'node:crypto';
import { Ajv, type AnySchema, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { schemaProblem, type SchemaProblem } from './schema-guard.js';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export type Compiled =
  { ok: true; validate: ValidateFunction } | { ok: false; problem: SchemaProblem };

/** Compiled validators kept per process; the least recently used are dropped past this. */
export const DEFAULT_MAX_COMPILED = 500;

type Draft = 'draft-07' | '2019-09' | '2020-12';

/** Ajv speaks one draft per instance; a schema names its draft in `$schema`, else draft-07. */
function draftOf(schema: Record<string, unknown>): Draft {
  const named = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (named.includes('2020-12')) return '2020-12';
  if (named.includes('2019-09')) return '2019-09';
  return 'draft-07';
}

function newAjv(draft: Draft): Ajv {
  const options = {
    // Unknown keywords (OpenAI's and providers' own annotations) are ignored, not refused.
    strict: false,
    // First error only: a long answer against a large schema cannot make the check costly.
    allErrors: false,
    // Each job's schema is compiled on its own: a `$id` used by two jobs must not collide.
    addUsedSchema: false,
    // Remote `$ref`s are never fetched (no loadSchema): they fail to compile.
  } as const;
  const ajv =
    draft === '2020-12'
      ? new Ajv2020(options)
      : draft === '2019-09'
        ? new Ajv2019(options)
        : new Ajv(options);
  addFormats(ajv);
  return ajv;
}

/**
 * Compiles JSON schemas with Ajv, once per distinct schema: the cache is keyed by the hash of the
 * schema's JSON, so every job that asks for the same schema shares one validator. Schemas pass
 * schema-guard.ts first. Ajv generates code from the schema's structure but never evaluates the
 * schema's own values as code, and nothing is fetched.
 */
export class SchemaCompiler {
  private readonly ajv = new Map<Draft, Ajv>();
  private readonly cache = new Map<string, { schema: AnySchema; compiled: Compiled }>();

  constructor(private readonly maxCompiled: number = DEFAULT_MAX_COMPILED) {}

  compile(schema: Record<string, unknown>): Compiled {
    const json = JSON.stringify(schema);
    const key = createHash('sha256').update(json).digest('hex');
    const hit = this.cache.get(key);
    if (hit) {
      // Re-inserted to mark it recently used (a Map keeps insertion order).
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit.compiled;
    }
    const compiled = this.compileNew(schema);
    this.cache.set(key, { schema, compiled });
    if (this.cache.size > this.maxCompiled) this.evictOldest();
    return compiled;
  }

  /** How many schemas are cached (for tests and metrics). */
  get size(): number {
    return this.cache.size;
  }

  private compileNew(schema: Record<string, unknown>): Compiled {
    const guarded = schemaProblem(schema);
    if (guarded) return { ok: false, problem: guarded };
    const draft = draftOf(schema);
    let ajv = this.ajv.get(draft);
    if (!ajv) {
      ajv = newAjv(draft);
      this.ajv.set(draft, ajv);
    }
    try {
      return { ok: true, validate: ajv.compile(schema) };
    } catch (error) {
      return {
        ok: false,
        problem: {
          path: '(root)',
          message: `the schema does not compile: ${(error as Error).message}`,
        },
      };
    }
  }

  private evictOldest(): void {
    const oldest = this.cache.keys().next();
    if (oldest.done) return;
    const entry = this.cache.get(oldest.value);
    this.cache.delete(oldest.value);
    // Ajv keeps its own map from schema object to compiled code; drop ours from it too.
    if (entry) for (const ajv of this.ajv.values()) ajv.removeSchema(entry.schema);
  }
}

/** The process's compiler: enqueue-time checks and workers share its cache. */
export const schemaCompiler = new SchemaCompiler();
