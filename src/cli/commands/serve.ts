import type { Command } from 'commander';
import { type LadderConfig, redisSource } from '../../config/types.js';
import { openRedisOps } from '../../producer/open-redis-ops.js';
import type { ApiServer } from '../../server/api-server.js';
import { createLogger } from '../../util/log.js';
import { startWorkerRuntime, type WorkerRuntime } from '../../workers/runtime.js';
import { cliConfig, onShutdown, parsePositiveInt, type CommonOptions } from '../context.js';

interface ServeOptions extends CommonOptions {
  port?: string;
}

export interface Running {
  api: ApiServer;
  runtime?: WorkerRuntime;
  close(): Promise<void>;
}

/** The API (and with `workers`, a worker pool per level) in this process. */
export async function serve(
  config: LadderConfig,
  options: { port?: number; workers: boolean },
): Promise<Running> {
  const logger = createLogger(options.workers ? 'start' : 'api');
  // Loaded here, not at the top: every CLI command shares one program, and `ladder worker` or
  // `ladder status` should not pay for Express, Bull Board and the OpenAPI document.
  const [{ startApiServer }, { metricsObserver }] = await Promise.all([
    import('../../server/api-server.js'),
    import('../../server/observer.js'),
  ]);
  const runtime = options.workers
    ? await startWorkerRuntime({
        config,
        logger: createLogger('worker'),
        observer: metricsObserver,
      })
    : undefined;
  // One process context (breakers, level and budget views): the API reads the workers' own.
  const ops = await openRedisOps({
    url: redisSource(config.redis),
    prefix: config.redis.prefix,
    config,
    context: runtime?.context,
  });
  const api = await startApiServer({ config, ops, port: options.port, logger });
  return {
    api,
    runtime,
    async close() {
      await api.close();
      await runtime?.close();
      await ops.close();
    },
  };
}

function portOf(options: ServeOptions): number | undefined {
  return options.port === undefined ? undefined : parsePositiveInt(options.port, '--port');
}

export function registerServe(program: Command): void {
  program
    .command('start')
    .description('run the API, the dashboard and a worker pool for every level in one process')
    .option('-p, --port <port>', 'HTTP port (default api.port, else PORT, else 3000)')
    .option('--config <path>', 'config file (else LADDER_CONFIG, else ./ladder.yaml)')
    .action(async (options: ServeOptions) => {
      const running = await serve(cliConfig(options), { port: portOf(options), workers: true });
      onShutdown(() => running.close());
    });

  program
    .command('api')
    .description('run the HTTP API and the dashboard only (workers run with `ladder worker`)')
    .option('-p, --port <port>', 'HTTP port (default api.port, else PORT, else 3000)')
    .option('--config <path>', 'config file (else LADDER_CONFIG, else ./ladder.yaml)')
    .action(async (options: ServeOptions) => {
      const running = await serve(cliConfig(options), { port: portOf(options), workers: false });
      onShutdown(() => running.close());
    });
}
