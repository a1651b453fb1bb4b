/**
 * The config loader: find the file, parse YAML, interpolate `${VAR}`, validate, normalise. The
 * environment is a parameter everywhere, so nothing here reads `process.env` and tests inject theirs.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError, problem, type ConfigProblem } from './errors.js';
import { interpolate, type Env } from './interpolate.js';
import { normalise, type ParsedConfig } from './normalise.js';
import { describeValue } from './path.js';
import { flatFormSchema, ladderFormSchema } from './schema.js';
import type { LadderConfig } from './types.js';
import { check } from './zod-problems.js';

/** The name used in messages for a config built in code. */
export const INLINE_SOURCE = '(inline)';

/** The file in the working directory used when neither `--config` nor `LADDER_CONFIG` is given. */
export const DEFAULT_CONFIG_FILE = 'ladder.yaml';

const HOW_TO_GIVE_A_CONFIG =
  'give one with --config PATH, or the LADDER_CONFIG environment variable, or put ./ladder.yaml in the ' +
  'working directory (ladder.example.yaml is a start)';

/** The config file to read: `--config`, else `LADDER_CONFIG`, else `./ladder.yaml`; absolute. */
export function resolveConfigPath(options: { flag?: string; env: Env; cwd: string }): string {
  const chosen = [options.flag, options.env.LADDER_CONFIG].find(
    (p) => p !== undefined && p.trim() !== '',
  );
  return resolve(options.cwd, chosen ?? DEFAULT_CONFIG_FILE);
}

/** Reads and loads a config file. Throws ConfigError naming the file for every problem. */
export function loadConfig(options: { path: string; env: Env }): LadderConfig {
  let text: string;
  try {
    text = readFileSync(options.path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const found =
      code === 'ENOENT' ? 'no such file' : `a file that cannot be read (${code ?? String(error)})`;
    const p = problem('', 'a config file', found);
    throw new ConfigError(
      options.path,
      [p],
      `${options.path}: cannot read the config file: ${found}; ${HOW_TO_GIVE_A_CONFIG}`,
    );
  }
  return parseConfig({ text, source: options.path, env: options.env });
}

/** Problems for YAML syntax errors, located by line and column. */
function yamlProblems(errors: ReturnType<typeof parseDocument>['errors']): ConfigProblem[] {
  return errors.map((e) => {
    // The library's message carries a code excerpt over several lines; one line is enough here.
    const first = (e.message.split('\n')[0] ?? e.code).replace(/ at line \d+, column \d+:?$/, '');
    const pos = e.linePos?.[0];
    return problem('', 'valid YAML', `a syntax error: ${first}`, {
      ...(pos === undefined ? {} : { line: pos.line, column: pos.col }),
    });
  });
}

/**
 * Loads a config from YAML text or an already parsed tree. `source` names it in messages
 * (default `(inline)`); `env` feeds interpolation and the environment fallbacks (default: none).
 */
export function parseConfig(
  options: ({ text: string; data?: never } | { data: unknown; text?: never }) & {
    source?: string;
    env?: Env;
  },
): LadderConfig {
  const source = options.source ?? INLINE_SOURCE;
  if (options.text === undefined)
    return buildConfig(options.data, { source, env: options.env ?? {} });
  const doc = parseDocument(options.text);
  if (doc.errors.length > 0) throw new ConfigError(source, yamlProblems(doc.errors));
  return buildConfig(doc.toJS(), { source, env: options.env ?? {} });
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Validates the tree against the form it is written in. */
function checkForm(
  data: Record<string, unknown>,
): { ok: true; parsed: ParsedConfig } | { ok: false; problems: ConfigProblem[] } {
  if (!Array.isArray(data.providers)) {
    const result = check(ladderFormSchema, data);
    return result.ok ? { ok: true, parsed: { form: 'ladder', value: result.value } } : result;
  }
  if ('levels' in data) {
    // With levels, targets come from the levels; a providers list beside them is a mix of the two forms.
    const p = problem(
      'providers',
      'a map from provider name to settings when levels: is given',
      describeValue(data.providers),
    );
    return { ok: false, problems: [p] };
  }
  const result = check(flatFormSchema, data);
  return result.ok ? { ok: true, parsed: { form: 'flat', value: result.value } } : result;
}

/**
 * Builds a LadderConfig from a plain object in either form (as YAML would parse it): interpolates,
 * validates and normalises. Throws ConfigError with every problem found.
 */
export function buildConfig(
  data: unknown,
  options: { source?: string; env?: Env } = {},
): LadderConfig {
  const source = options.source ?? INLINE_SOURCE;
  const env = options.env ?? {};
  if (!isMapping(data)) {
    const expected = 'a mapping of config blocks (levels:, providers:, fallback:, ...)';
    const found =
      data === null || data === undefined ? 'nothing (an empty config)' : describeValue(data);
    throw new ConfigError(source, [problem('', expected, found)]);
  }
  const interpolated = interpolate(data, env);
  if (interpolated.problems.length > 0) throw new ConfigError(source, interpolated.problems);
  const checked = checkForm(interpolated.value as Record<string, unknown>);
  if (!checked.ok) throw new ConfigError(source, checked.problems);
  const result = normalise(checked.parsed, { source, env, refs: interpolated.refs });
  if (!result.ok) throw new ConfigError(source, result.problems);
  return result.config;
}
