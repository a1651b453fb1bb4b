import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { checkLadderSet, resolveConfigPaths } from '../../config/ladder-set.js';
import { type LadderConfig, redisSource } from '../../config/types.js';
import { openRedisOps } from '../../producer/open-redis-ops.js';
import type { ApiServer } from '../../server/api-server.js';
import type { ServedLadder } from '../../server/ladders-server.js';
import { createLogger } from '../../util/log.js';
import { startWorkerRuntime, type WorkerRuntime } from '../../workers/runtime.js';
import { cliConfig, parsePositiveInt, severalConfigs } from '../context.js';
import { onShutdownOf, shutdownDeadline } from '../shutdown.js';

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
  // One process context (breakers, level states, budget spend): the API reads the workers' own.
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

/**
 * One API for several ladders (`ladder api --config a.yaml --config b.yaml`): each under
 * `/ladders/{name}` with its own Redis, prefix and tokens. The set is checked before any
 * connection opens; a ladder whose Redis cannot be opened stops start-up and closes the others.
 */
export async function serveLadders(
  configs: readonly LadderConfig[],
  options: { port?: number },
): Promise<Running> {
  const named = checkLadderSet(configs, { portGiven: options.port !== undefined });
  const logger = createLogger('api');
  const { startLaddersServer } = await import('../../server/ladders-server.js');
  const opened = await Promise.allSettled(
    named.map(async ({ name, config }): Promise<ServedLadder> => {
      const ops = await openRedisOps({
        url: redisSource(config.redis),
        prefix: config.redis.prefix,
        config,
      });
      return { name, config, ops };
    }),
  );
  const ladders = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  const failed = opened.find((o) => o.status === 'rejected');
  const closeAll = () => Promise.all(ladders.map((l) => l.ops.close())).then(() => undefined);
  if (failed !== undefined) {
    await closeAll();
    throw failed.reason;
  }
  let api: ApiServer;
  try {
    api = await startLaddersServer({ ladders, port: options.port, logger });
  } catch (error) {
    await closeAll();
    throw error;
  }
  return {
    api,
    async close() {
      await api.close();
      await closeAll();
    },
  };
}

function portOf(options: { port?: string }): number | undefined {
  return options.port === undefined ? undefined : parsePositiveInt(options.port, '--port');
}

export function registerServe(program: Command): void {
  program
    .command('start')
    .description('run the API, the dashboard and a worker pool for every level in one process')
    .option('-p, --port <port>', 'HTTP port (default api.port, else PORT, else 3000)')
    .option(
      '--config <path>',
      'config file (else LADDER_CONFIG, else ./ladder.yaml)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .action(async (options: { port?: string; config: string[] }) => {
      // Collected so a second --config is refused, not silently taking the first one's place.
      if (options.config.length > 1) throw severalConfigs(options.config.length);
      const config = cliConfig({ config: options.config[0] });
      const starting = serve(config, { port: portOf(options), workers: true });
      onShutdownOf(starting, { deadlineMs: shutdownDeadline(config.worker.shutdownGraceMs) });
      await starting;
    });

  program
    .command('api')
    .description(
      'run the HTTP API and the dashboard only (workers run with `ladder worker`); several --config serve several ladders, each under /ladders/{name}',
    )
    .option('-p, --port <port>', 'HTTP port (default api.port, else PORT, else 3000)')
    .option(
      '--config <path>',
      'config file, repeatable: one ladder each (else LADDER_CONFIG, comma-separated, else ./ladder.yaml)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .action(async (options: { port?: string; config: string[] }) => {
      const port = portOf(options);
      const paths = resolveConfigPaths({
        flags: options.config,
        env: process.env,
        cwd: process.cwd(),
      });
      const configs = paths.map((path) => loadConfig({ path, env: process.env }));
      const [only] = configs;
      const starting =
        configs.length === 1 && only !== undefined
          ? serve(only, { port, workers: false })
          : serveLadders(configs, { port });
      // No workers here: what closing waits for is connections and open streams.
      onShutdownOf(starting, { deadlineMs: shutdownDeadline(0) });
      await starting;
    });
}
