import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerBreaker } from './commands/breaker.js';
import { registerDemo } from './commands/demo.js';
import { registerEnqueue } from './commands/enqueue.js';
import { registerLevel } from './commands/level.js';
import { registerReport } from './commands/report.js';
import { registerServe } from './commands/serve.js';
import { registerStatus } from './commands/status.js';
import { registerWorker } from './commands/worker.js';

/** The version in package.json, one folder above src/ and dist/ alike. */
function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/** The `ladder` command and its subcommands, without running anything. */
export function buildProgram(): Command {
  const program = new Command()
    .name('ladder')
    .description('llm-ladder: queue-based LLM jobs that degrade down a ladder when providers fail')
    .version(packageVersion(), '-V, --version', 'print the version')
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
  return program;
}
