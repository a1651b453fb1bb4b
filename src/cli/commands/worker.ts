import type { Command } from 'commander';
import { createLogger } from '../../util/log.js';
import { startWorkerRuntime } from '../../workers/runtime.js';
import { cliConfig, parsePositiveInt, type CommonOptions } from '../context.js';
import { onShutdownOf, shutdownDeadline } from '../shutdown.js';

interface WorkerOptions extends CommonOptions {
  level: string[];
  concurrency?: string;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run a worker pool for one or more levels (run as many as you like, anywhere)')
    .requiredOption('-l, --level <level...>', 'level number or name to serve (repeat for several)')
    .option('-c, --concurrency <n>', 'jobs at once per level (default worker.concurrency)')
    .option('--config <path>', 'config file (else LADDER_CONFIG, else ./ladder.yaml)')
    .action(async (options: WorkerOptions) => {
      const config = cliConfig(options);
      const concurrency = options.concurrency
        ? parsePositiveInt(options.concurrency, '--concurrency')
        : undefined;
      const starting = startWorkerRuntime({
        config,
        levels: options.level,
        concurrency,
        logger: createLogger('worker'),
      });
      onShutdownOf(starting, { deadlineMs: shutdownDeadline(config.worker.shutdownGraceMs) });
      await starting;
    });
}
