import { resolveConfigPaths } from '../config/ladder-set.js';
import { loadConfig, resolveConfigPath } from '../config/load.js';
import type { LadderConfig } from '../config/types.js';

/** Options every command takes. */
export interface CommonOptions {
  config?: string;
}

/**
 * `--config PATH`, else `LADDER_CONFIG`, else `./ladder.yaml`; read once, here, from process.env.
 * A `LADDER_CONFIG` of several paths (commas, as `ladder api` takes it) is refused by name rather
 * than read as one file that does not exist.
 */
export function cliConfig(options: CommonOptions): LadderConfig {
  const path = resolveConfigPath({ flag: options.config, env: process.env, cwd: process.cwd() });
  const flags = options.config === undefined ? [] : [options.config];
  const paths = resolveConfigPaths({ flags, env: process.env, cwd: process.cwd() });
  if (paths.length > 1) throw severalConfigs(paths.length);
  return loadConfig({ path, env: process.env });
}

/** For commands that run one ladder, given several configs. */
export function severalConfigs(count: number): CliError {
  return new CliError(
    `${count} configs given, and this command runs one ladder: pass one --config PATH (only \`ladder api\` serves several ladders; run \`ladder worker --config\` per ladder)`,
    2,
  );
}

/** A user-facing failure: printed without a stack, with this exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function parsePositiveInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`${name} must be a whole number above 0, got "${value}"`, 2);
  return n;
}
