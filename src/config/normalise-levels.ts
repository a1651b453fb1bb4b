/**
 * The ladder's levels from either form, and the blocks that refer to levels by name or number
 * (complexity, budgets) plus prices, which refer to targets. These checks span several keys, so
 * they run after the schema, on values already known to have the right types.
 */
import { DEFAULT_COMPLEXITY, DEFAULT_STATIC_MESSAGE, FLAT_LEVEL_NAMES } from './defaults.js';
import { problem, type ConfigProblem } from './errors.js';
import { childPath, describeValue } from './path.js';
import { KNOWN_PROVIDERS, parseTarget } from './providers.js';
import type { CommonInput, FlatFormInput, LevelInput } from './schema.js';
import type {
  BudgetLimit,
  BudgetsConfig,
  LadderConfig,
  LevelConfig,
  Price,
  TargetRef,
} from './types.js';

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

/** Resolves a level given as a number or a name; undefined when no such level. */
function findLevel(ref: number | string, levels: LevelConfig[]): LevelConfig | undefined {
  if (typeof ref === 'number' || /^\d+$/.test(ref)) return levels[Number(ref) - 1];
  return levels.find((l) => l.name === ref);
}

function levelChoices(levels: LevelConfig[]): string {
  return `a level number from 1 to ${levels.length} or a level name (${levels.map((l) => l.name).join(', ')})`;
}

/**
 * Complexity → level number. Given values must name a level; defaults are clamped to the last LLM
 * level, so a short ladder still loads and `simple` never lands on the cached or static level.
 */
export function complexityMap(
  input: CommonInput['complexity'],
  levels: LevelConfig[],
  problems: Problems,
): LadderConfig['complexity'] {
  const llmLevels = levels.filter((l) => l.kind === 'llm').map((l) => l.level);
  const ceiling = llmLevels.length > 0 ? Math.max(...llmLevels) : levels.length;
  const out: LadderConfig['complexity'] = { ...DEFAULT_COMPLEXITY };
  for (const key of ['simple', 'standard', 'complex'] as const) {
    const ref = input?.[key];
    if (ref === undefined) {
      out[key] = Math.min(DEFAULT_COMPLEXITY[key], ceiling);
      continue;
    }
    const level = findLevel(ref, levels);
    if (level === undefined)
      problems.push(problem(`complexity.${key}`, levelChoices(levels), describeValue(ref)));
    out[key] = level?.level ?? 1;
  }
  return out;
}

type BudgetInput = { daily_usd?: number | undefined; monthly_usd?: number | undefined };

function budgetLimit(
  input: BudgetInput,
  path: string,
  problems: Problems,
): BudgetLimit | undefined {
  const { daily_usd: daily, monthly_usd: monthly } = input;
  if ((daily === undefined) === (monthly === undefined)) {
    const found = daily === undefined ? 'neither' : 'both';
    problems.push(problem(path, 'exactly one of daily_usd or monthly_usd', found));
    return undefined;
  }
  return daily !== undefined
    ? { period: 'day', limitUsd: daily }
    : { period: 'month', limitUsd: monthly ?? 0 };
}

/** Budgets per level (by name; LLM levels only, as only they spend) and per agent. */
export function budgets(
  input: CommonInput['budgets'],
  levels: LevelConfig[],
  problems: Problems,
): BudgetsConfig {
  const out: BudgetsConfig = { levels: {}, agents: {} };
  const llmNames = levels.filter((l) => l.kind === 'llm').map((l) => l.name);
  for (const [name, limitInput] of Object.entries(input?.levels ?? {})) {
    const path = childPath('budgets.levels', name);
    if (!llmNames.includes(name)) {
      problems.push(
        problem(path, `the name of an LLM level (${llmNames.join(', ')})`, describeValue(name)),
      );
      continue;
    }
    const limit = budgetLimit(limitInput, path, problems);
    if (limit) out.levels[name] = limit;
  }
  for (const [agent, limitInput] of Object.entries(input?.agents ?? {})) {
    const limit = budgetLimit(limitInput, childPath('budgets.agents', agent), problems);
    if (limit) out.agents[agent] = limit;
  }
  return out;
}

/** Price overrides keyed by target. */
export function prices(input: CommonInput['prices'], problems: Problems): Record<string, Price> {
  const out: Record<string, Price> = {};
  for (const [key, price] of Object.entries(input ?? {})) {
    const target = parseTarget(key);
    if ('error' in target) {
      problems.push(
        problem(
          childPath('prices', key),
          `a target "provider/model" with provider one of ${KNOWN_PROVIDERS.join(', ')}`,
          describeValue(key),
        ),
      );
      continue;
    }
    out[target.id] = {
      input: price.input,
      output: price.output,
      ...(price.cached_input === undefined ? {} : { cachedInput: price.cached_input }),
    };
  }
  return out;
}
