/**
 * Blocks that refer to levels by name or number (complexity, budgets) and prices, which refer to
 * targets. Checked after the levels are built, so a problem can list the names that would do.
 */
import { DEFAULT_COMPLEXITY } from './defaults.js';
import { problem, type ConfigProblem } from './errors.js';
import { childPath, describeValue } from './path.js';
import { KNOWN_PROVIDERS, parseTarget } from './providers.js';
import type { CommonInput } from './schema.js';
import type { BudgetLimit, BudgetsConfig, LadderConfig, LevelConfig, Price } from './types.js';

type Problems = ConfigProblem[];

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
