#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/errors.js';
import { isJobValidationError, LadderUnavailableError } from '../producer/errors.js';
import { registerBreaker } from './commands/breaker.js';
import { registerDemo } from './commands/demo.js';
import { registerEnqueue } from './commands/enqueue.js';
import { registerLevel } from './commands/level.js';
import { registerReport } from './commands/report.js';
import { registerServe } from './commands/serve.js';
import { registerStatus } from './commands/status.js';
import { registerWorker } from './commands/worker.js';
import { CliError } from './context.js';

const program = new Command()
  .name('ladder')
  .description('llm-ladder: queue-based LLM jobs that degrade down a ladder when providers fail')
  .showHelpAfterError()
  .exitOverride();

registerServe(program);
registerWorker(program);
registerDemo(program);
registerStatus(program);
registerBreaker(program);
registerEnqueue(program);
registerReport(program);
registerLevel(program);

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
