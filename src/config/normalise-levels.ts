/**
 * The ladder's levels from either form. Checks that span several levels (unique names, one cache
 * level) run here, after the schema, on values already known to have the right types.
 */
import { DEFAULT_STATIC_MESSAGE, FLAT_LEVEL_NAMES } from './defaults.js';
import { problem, type ConfigProblem } from './errors.js';
import { describeValue } from './path.js';
import { parseTarget } from './providers.js';
import type { FlatFormInput, LevelInput } from './schema.js';
import type { LevelConfig, TargetRef } from './types.js';

type Problems = ConfigProblem[];

/** The levels of the ladder form, numbered from 1 in the order given. */
export function ladderLevels(input: LevelInput[], problems: Problems): LevelConfig[] {
  const firstByName = new Map<string, number>();
  const firstByServe = new Map<string, number>();
  return input.map((entry, index): LevelConfig => {
    const path = `levels.${index}`;
    const level = index + 1;
    const earlier = firstByName.get(entry.name);
    if (earlier !== undefined) {
      problems.push(
        problem(
          `${path}.name`,
          `a name not used by an earlier level (levels.${earlier} has it)`,
          describeValue(entry.name),
        ),
      );
    } else {
      firstByName.set(entry.name, index);
    }
    if (entry.message !== undefined && entry.serve !== 'static') {
      problems.push(
        problem(
          `${path}.message`,
          'no message (only a serve: static level has one)',
          describeValue(entry.message),
        ),
      );
    }
    if (entry.targets !== undefined && entry.serve !== undefined) {
      problems.push(
        problem(
          path,
          'either targets (an LLM level) or serve: cache | static',
          'both targets and serve',
        ),
      );
    }
    if (entry.serve !== undefined) {
      const first = firstByServe.get(entry.serve);
      if (first !== undefined) {
        // A second cache level would serve the same cache again; a second static level is never reached.
        problems.push(
          problem(
            `${path}.serve`,
            `at most one level with serve: ${entry.serve} (levels.${first} is one)`,
            describeValue(entry.serve),
          ),
        );
      } else {
        firstByServe.set(entry.serve, index);
      }
      return entry.serve === 'cache'
        ? { kind: 'cache', level, name: entry.name }
        : {
            kind: 'static',
            level,
            name: entry.name,
            message: entry.message ?? DEFAULT_STATIC_MESSAGE,
          };
    }
    if (entry.targets === undefined) {
      problems.push(
        problem(path, 'targets: ["provider/model", ...] or serve: cache | static', 'neither'),
      );
      return { kind: 'llm', level, name: entry.name, targets: [] };
    }
    return {
      kind: 'llm',
      level,
      name: entry.name,
      targets: uniqueTargets(entry.targets, `${path}.targets`, problems),
    };
  });
}

/** Targets of one level; a target listed twice is a problem (it would be called twice per job). */
function uniqueTargets(texts: string[], path: string, problems: Problems): TargetRef[] {
  const seen = new Set<string>();
  const targets: TargetRef[] = [];
  texts.forEach((text, index) => {
    const parsed = parseTarget(text);
    if ('error' in parsed) return; // already reported by the schema
    if (seen.has(parsed.id)) {
      problems.push(
        problem(
          `${path}.${index}`,
          'a target not listed earlier in this level',
          describeValue(text),
        ),
      );
      return;
    }
    seen.add(parsed.id);
    targets.push(parsed);
  });
  return targets;
}

/** The seed's flat form: one LLM level `primary` by priority, then `cached` and `static`. */
export function flatLevels(
  providers: FlatFormInput['providers'],
  problems: Problems,
): LevelConfig[] {
  const ordered = providers
    .map((entry, index) => ({ entry, index }))
    // Array.prototype.sort is stable, so equal or missing priorities keep the file's order.
    .sort((a, b) => (a.entry.priority ?? Infinity) - (b.entry.priority ?? Infinity));
  const seen = new Set<string>();
  const targets: TargetRef[] = [];
  for (const { entry, index } of ordered) {
    const parsed = parseTarget(`${entry.name}/${entry.model}`);
    if ('error' in parsed) {
      problems.push(
        problem(
          `providers.${index}.model`,
          'a model name without spaces',
          describeValue(entry.model),
        ),
      );
    } else if (seen.has(parsed.id)) {
      problems.push(
        problem(
          `providers.${index}`,
          'a name and model not listed earlier',
          describeValue(parsed.id),
        ),
      );
    } else {
      seen.add(parsed.id);
      targets.push(parsed);
    }
  }
  return [
    { kind: 'llm', level: 1, name: FLAT_LEVEL_NAMES.llm, targets },
    { kind: 'cache', level: 2, name: FLAT_LEVEL_NAMES.cache },
    { kind: 'static', level: 3, name: FLAT_LEVEL_NAMES.static, message: DEFAULT_STATIC_MESSAGE },
  ];
}
