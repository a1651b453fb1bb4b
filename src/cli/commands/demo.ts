import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseConfig } from '../../config/load.js';
import { type LadderConfig, redisSource } from '../../config/types.js';
import { openRedisOps } from '../../producer/open-redis-ops.js';
import { parsePositiveInt, onShutdown, type CommonOptions } from '../context.js';
import { cliConfig } from '../context.js';
import { DEMO_PREFIX, removeDemoKeys, stopWhenOrphaned } from '../demo-keys.js';
import { findRedis } from '../find-redis.js';
import { localApiUrl } from '../locate.js';
import { serve } from './serve.js';

const SAMPLE_PROMPTS = [
  { content: 'Summarise invoice 42 for the customer.', complexity: 'complex' },
  { content: 'Route this ticket: "my card was charged twice".', complexity: 'simple' },
  { content: 'Draft a polite reply declining the meeting.', complexity: 'standard' },
  { content: 'What is the capital of France?', complexity: 'simple' },
  { content: 'Plan a three-step migration from cron to queues.', complexity: 'complex' },
] as const;

const DEMO_CONFIG = new URL('../../../examples/simulated.yaml', import.meta.url);

interface DemoOptions extends CommonOptions {
  port?: string;
  rate?: string;
  /** Commander's negation of `--no-outages`. */
  outages: boolean;
}

/**
 * A real outage now and then, so the breaker is seen to open on its own, the level to pause and
 * its jobs to degrade, then to come back: `upMs` healthy, `downMs` failing every call with 503.
 */
function outageCycle(input: {
  setOutage: (down: boolean) => void;
  target: string;
  upMs: number;
  downMs: number;
}): () => void {
  let timer: NodeJS.Timeout;
  const up = (): void => {
    input.setOutage(false);
    timer = setTimeout(down, input.upMs);
  };
  const down = (): void => {
    process.stderr.write(`demo: simulated outage of ${input.target} for ${input.downMs / 1000}s\n`);
    input.setOutage(true);
    timer = setTimeout(() => {
      process.stderr.write(`demo: ${input.target} is healthy again\n`);
      up();
    }, input.downMs);
  };
  timer = setTimeout(down, input.upMs);
  return () => clearTimeout(timer);
}

function demoConfig(options: DemoOptions): LadderConfig {
  if (options.config || process.env.LADDER_CONFIG) return cliConfig(options);
  return parseConfig({
    text: readFileSync(DEMO_CONFIG, 'utf8'),
    source: 'examples/simulated.yaml',
    env: process.env,
  });
}

function cleanUpNote(config: LadderConfig, privateRedis: boolean): string {
  if (privateRedis) return '';
  return config.redis.prefix === DEMO_PREFIX
    ? `Its keys (${DEMO_PREFIX}:*) are removed when it stops.`
    : `Its keys (${config.redis.prefix}:*) are kept when it stops.`;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'run everything on the simulated provider with a trickle of sample jobs (no API keys)',
    )
    .option('-p, --port <port>', 'HTTP port (default PORT, else 3000)')
    .option('--rate <jobs>', 'sample jobs per second (default 2)')
    .option('--no-outages', 'do not take the top target down for 20 s every minute')
    .option('--config <path>', 'use this config instead of the built-in simulated ladder')
    .action(async (options: DemoOptions) => {
      const base = demoConfig(options);
      // A sentinel or cluster config is used as given; only a single server may be started here.
      const redis = base.redis.endpoint ? undefined : await findRedis(base.redis.url);
      if (redis) process.stderr.write(`${redis.how}\n`);
      const config: LadderConfig = redis
        ? { ...base, redis: { ...base.redis, url: redis.url } }
        : base;
      const running = await serve(config, {
        port: options.port ? parsePositiveInt(options.port, '--port') : undefined,
        workers: true,
      });
      const producer = await openRedisOps({
        url: redisSource(config.redis),
        prefix: config.redis.prefix,
        config,
      });
      const rate = options.rate ? parsePositiveInt(options.rate, '--rate') : 2;
      let n = 0;
      const trickle = setInterval(
        () => {
          const sample = SAMPLE_PROMPTS[n++ % SAMPLE_PROMPTS.length]!;
          producer
            .enqueue({
              request: {
                messages: [{ role: 'user', content: `${sample.content} (#${n})` }],
                max_tokens: 200,
              },
              complexity: sample.complexity,
              metadata: { agent: 'demo' },
            })
            .catch((error: unknown) =>
              process.stderr.write(`demo enqueue failed: ${String(error)}\n`),
            );
        },
        Math.max(10, Math.round(1000 / rate)),
      );
      const first = config.levels.find((l) => l.kind === 'llm');
      const target = first?.kind === 'llm' ? first.targets[0]?.id : undefined;
      const simulated = running.runtime?.providers.simulated;
      const [provider, model] = (target ?? '').split('/');
      const stopOutages =
        options.outages && simulated && provider === 'simulated' && model
          ? outageCycle({
              setOutage: (down) => simulated.setOutage(model, down),
              target: target!,
              upMs: 40_000,
              downMs: 20_000,
            })
          : () => undefined;
      const url = running.api.url;
      // The CLI finds the local API by itself; only another port needs saying.
      const urlFlag = url === localApiUrl() ? '' : ` --url ${url}`;
      process.stderr.write(
        [
          '',
          'llm-ladder demo is running on the simulated provider.',
          `  ladder page   ${url}/admin/ladder   (force a breaker open with its buttons)`,
          `  Bull Board    ${url}/admin/queues`,
          `  API           ${url}/v1/ladder   docs ${url}/docs`,
          '',
          options.outages
            ? `Every minute ${target ?? 'the top target'} goes down for 20 s on its own (--no-outages turns it off).`
            : '',
          'Take the top level down yourself and watch jobs degrade, then bring it back:',
          `  npx ladder breaker open ${target ?? 'provider/model'}${urlFlag}`,
          `  npx ladder status${urlFlag}`,
          `  npx ladder breaker auto ${target ?? 'provider/model'}${urlFlag}`,
          `  npx ladder enqueue "Hello" --wait${urlFlag}`,
          '',
          cleanUpNote(config, redis?.stop !== undefined),
          'Ctrl-C stops it.',
          '',
        ].join('\n'),
      );
      // Only the built-in demo ladder's own prefix is emptied; a prefix the user chose may hold
      // real jobs. A private redis-server goes away whole.
      const cleanUp =
        !redis?.stop && redis && config.redis.prefix === DEMO_PREFIX ? redis.url : undefined;
      const shutdown = onShutdown(async () => {
        stopWatching();
        clearInterval(trickle);
        stopOutages();
        await producer.close();
        await running.close();
        if (cleanUp) {
          const removed = await removeDemoKeys(cleanUp);
          process.stderr.write(`demo: removed its ${removed} keys (${DEMO_PREFIX}:*)\n`);
        }
        await redis?.stop?.();
      });
      const stopWatching = stopWhenOrphaned(() => shutdown('parent process gone'));
    });
}
