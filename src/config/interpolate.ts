/**
 * `${VAR}` and `${VAR:-default}` in string values. It runs on the parsed tree, not on the YAML text,
 * so a secret holding `:`, `#` or quotes lands in its value as is and cannot break the YAML around it.
 * Keys are never interpolated. `$${` gives a literal `${`.
 */
import { problem, type ConfigProblem } from './errors.js';
import { childPath, describeValue } from './path.js';

/** Environment as passed down from the CLI; the loader never reads `process.env` itself. */
export type Env = Record<string, string | undefined>;

export interface Interpolated {
  /** The tree with every string interpolated; unchanged where a problem was found. */
  value: unknown;
  problems: ConfigProblem[];
  /** Key path → the variables its string referenced, so a missing API key can name the one to set. */
  refs: Map<string, string[]>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type StringResult =
  { ok: true; text: string; vars: string[] } | { ok: false; problem: ConfigProblem };

/** Interpolates one string found at `path`. */
export function interpolateString(input: string, env: Env, path = ''): StringResult {
  let out = '';
  const vars: string[] = [];
  let i = 0;
  while (i < input.length) {
    if (input.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!input.startsWith('${', i)) {
      out += input[i];
      i += 1;
      continue;
    }
    const close = input.indexOf('}', i + 2);
    const expr = close === -1 ? input.slice(i) : input.slice(i + 2, close);
    const sep = expr.indexOf(':-');
    const name = sep === -1 ? expr : expr.slice(0, sep);
    if (close === -1 || !NAME.test(name)) {
      return {
        ok: false,
        problem: problem(
          path,
          '${NAME} or ${NAME:-default} with NAME made of letters, digits and _ (write $${ for a literal ${)',
          describeValue(input),
        ),
      };
    }
    vars.push(name);
    const value = env[name];
    if (sep !== -1) {
      // Shell semantics: `:-` takes the default when the variable is unset or empty.
      out += value === undefined || value === '' ? expr.slice(sep + 2) : value;
    } else if (value === undefined) {
      return {
        ok: false,
        problem: problem(path, `the environment variable ${name} to be set`, `${name} unset`, {
          hint: `set ${name}, or write \${${name}:-default} to make it optional`,
        }),
      };
    } else {
      out += value;
    }
    i = close + 1;
  }
  return { ok: true, text: out, vars };
}

/** Interpolates every string value in a parsed YAML (or plain JS) tree. */
export function interpolate(tree: unknown, env: Env): Interpolated {
  const problems: ConfigProblem[] = [];
  const refs = new Map<string, string[]>();

  const walk = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') {
      const result = interpolateString(node, env, path);
      if (!result.ok) {
        problems.push(result.problem);
        return node;
      }
      if (result.vars.length > 0) refs.set(path, result.vars);
      return result.text;
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, childPath(path, index)));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node)) {
        // defineProperty, so a key spelled `__proto__` stays a key instead of replacing the prototype.
        Object.defineProperty(out, key, {
          value: walk(value, childPath(path, key)),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    return node;
  };

  return { value: walk(tree, ''), problems, refs };
}
