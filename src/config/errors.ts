/**
 * Config problems and the error that carries them. A bad config stops start-up, so the message is
 * written for the person editing the file: one line per problem, naming the file, the key path,
 * what was expected and what was found.
 */

/** One thing wrong with a config. */
export interface ConfigProblem {
  /** Key path with dots and 0-based list indices, e.g. `levels.1.targets.0`; `''` for the whole file. */
  path: string;
  /** What the key should hold, e.g. `a number in (0, 1]`. */
  expected: string;
  /** What it holds, e.g. `1.5`, or `nothing` when the key is missing. */
  found: string;
  /** Optional extra advice, e.g. `did you mean failure_rate?`. */
  hint?: string;
  /** 1-based line in the file, when known (YAML syntax errors). */
  line?: number;
  /** 1-based column in the file, when known. */
  column?: number;
  /** `path: expected X, found Y[; hint]`, without the file name. */
  message: string;
}

/** Builds a problem and its one-line message. */
export function problem(
  path: string,
  expected: string,
  found: string,
  extra: { hint?: string; line?: number; column?: number } = {},
): ConfigProblem {
  // A problem about the whole file (a YAML syntax error) is located by line instead of key.
  const where = path !== '' ? `${path}: ` : extra.line === undefined ? '(top level): ' : '';
  const hint = extra.hint === undefined ? '' : `; ${extra.hint}`;
  return {
    path,
    expected,
    found,
    ...extra,
    message: `${where}expected ${expected}, found ${found}${hint}`,
  };
}

/** The prefix of a problem's line: the file, and the line and column when known. */
function location(source: string, p: ConfigProblem): string {
  if (p.line === undefined) return source;
  return p.column === undefined ? `${source}:${p.line}` : `${source}:${p.line}:${p.column}`;
}

/** A config that cannot be used. `problems` has every problem found, not just the first. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    /** The file the config came from (or `(inline)`), as named in each line of the message. */
    readonly source: string,
    readonly problems: ConfigProblem[],
    /** Replaces the per-problem lines, for errors that are not about a key (missing file). */
    summary?: string,
  ) {
    super(summary ?? problems.map((p) => `${location(source, p)}: ${p.message}`).join('\n'));
  }
}
