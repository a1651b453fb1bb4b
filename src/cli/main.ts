#!/usr/bin/env node
import { CommanderError } from 'commander';
import { ConfigError } from '../config/errors.js';
import { isJobValidationError, LadderUnavailableError } from '../producer/errors.js';
import { CliError } from './context.js';
import { buildProgram } from './program.js';

const program = buildProgram();

/** Known failures print one clear message and a distinct exit code; anything else is a bug. */
function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode;
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof ConfigError) return 2;
  if (isJobValidationError(error)) return 2;
  if (error instanceof LadderUnavailableError) return 3;
  return 1;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const code = exitCodeFor(error);
  if (!(error instanceof CommanderError)) {
    const known = code !== 1 || error instanceof Error;
    process.stderr.write(
      `ladder: ${known && error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(code);
}
