import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseConfig } from '../../config/load.js';
import { type LadderConfig, redisSource } from '../../config/types.js';
import { openRedisOps } from '../../producer/open-redis-ops.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LadderState } from '../../ladder/state.js';
import { setDefaultLogDestination } from '../../util/log.js';
import { CliError, parsePositiveInt, type CommonOptions } from '../context.js';
import { onShutdown } from '../shutdown.js';
import { DemoConsole } from '../demo-console.js';
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
  logFormat: string;
  logFile?: string;
  summaryEvery: string;
}

/**
 * A real outage now and then, so the breaker is seen to open on its own, the level to pause and
 * its jobs to degrade, then to come back: `upMs` healthy, `downMs` failing every call with 503.
 */
function outageCycle(input: {
  setOutage: (down: boolean) => void;
  say: (text: string) => void;
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
    input.say(`simulated outage of ${input.target} for ${input.downMs / 1000} s begins`);
    input.setOutage(true);
    timer = setTimeout(() => {
      input.say(`simulated outage of ${input.target} ends`);
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

/** Where text mode writes the JSON logs: one file, overwritten by each run. */
const DEFAULT_LOG = join(tmpdir(), 'ladder-demo.log');

/** Reads the ladder every 2 s for breaker and level changes, and prints a summary now and then. */
function watchLadder(
  screen: DemoConsole,
  producer: { ladder(): Promise<LadderState> },
  summaryMs: number,
): () => void {
  const read = (): void =>
    void producer.ladder().then(
      (state) => screen.observe(state),
      () => undefined,
    );
  read();
  const reader = setInterval(read, 2_000);
  const summary = setInterval(() => screen.summary(), summaryMs);
  return () => {
    clearInterval(reader);
    clearInterval(summary);
  };
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
    .option(
      '--log-format <format>',
      'text: short lines here, JSON logs to --log-file; json: JSON logs on stdout',
      'text',
    )
    .option('--log-file <path>', `where text mode writes the JSON logs (default ${DEFAULT_LOG})`)
    .option('--summary-every <seconds>', 'text mode: a one-line summary this often', '15')
    .action(async (options: DemoOptions) => {
      if (options.logFormat !== 'text' && options.logFormat !== 'json')
        throw new CliError(`--log-format is text or json, got "${options.logFormat}"`, 2);
      const summaryMs = parsePositiveInt(options.summaryEvery, '--summary-every') * 1000;
      const screen =
        options.logFormat === 'text'
          ? new DemoConsole(options.logFile ?? DEFAULT_LOG, (line) =>
              process.stderr.write(`${line}\n`),
            )
          : undefined;
      // Before anything creates a logger: every process part logs to the file and the console.
      setDefaultLogDestination(screen?.destination);
      const say = (text: string): void =>
        screen ? screen.say(text) : void process.stderr.write(`demo: ${text}\n`);
      // What stopping undoes, last started first. Signals are handled from here on: one during
      // start-up waits for it to end, then stops everything, so no key is left behind.
      const stops: Array<() => unknown> = [() => screen?.close()];
      let starting: Promise<void> = Promise.resolve();
      const shutdown = onShutdown(
        async () => {
          await starting.catch(() => undefined);
          for (const stop of stops.reverse()) await stop();
        },
        { say },
      );
      stops.push(stopWhenOrphaned(() => shutdown('parent process gone')));
      starting = start();
      await starting;

      async function start(): Promise<void> {
        const base = demoConfig(options);
        // A sentinel or cluster config is used as given; only a single server may be started here.
        const redis = base.redis.endpoint ? undefined : await findRedis(base.redis.url);
        if (redis) say(redis.how);
        stops.push(() => redis?.stop?.());
        const config: LadderConfig = redis
          ? { ...base, redis: { ...base.redis, url: redis.url } }
          : base;
        // Only the built-in demo ladder's own prefix is emptied; a prefix the user chose may hold
        // real jobs. A private redis-server goes away whole.
        const cleanUp =
          !redis?.stop && redis && config.redis.prefix === DEMO_PREFIX ? redis.url : undefined;
        if (cleanUp)
          stops.push(async () => {
            const removed = await removeDemoKeys(cleanUp);
            say(`removed its ${removed} keys (${DEMO_PREFIX}:*)`);
          });
        const running = await serve(config, {
          port: options.port ? parsePositiveInt(options.port, '--port') : undefined,
          workers: true,
        });
        // The demo's producer shares the process context too (one set of breakers, level states and budget spend).
        const producer = await openRedisOps({
          url: redisSource(config.redis),
          prefix: config.redis.prefix,
          config,
          context: running.runtime?.context,
        });
        stops.push(
          () => running.close(),
          () => producer.close(),
        );
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
              .catch((error: unknown) => say(`enqueue failed: ${String(error)}`));
          },
          Math.max(10, Math.round(1000 / rate)),
        );
        stops.push(() => clearInterval(trickle));
        const first = config.levels.find((l) => l.kind === 'llm');
        const target = first?.kind === 'llm' ? first.targets[0]?.id : undefined;
        const simulated = running.runtime?.providers.simulated;
        const [provider, model] = (target ?? '').split('/');
        const stopOutages =
          options.outages && simulated && provider === 'simulated' && model
            ? outageCycle({
                setOutage: (down) => simulated.setOutage(model, down),
                say,
                target: target!,
                upMs: 40_000,
                downMs: 20_000,
              })
            : () => undefined;
        stops.push(stopOutages);
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
            screen
              ? `Full JSON logs: ${screen.logFile} (--log-format json puts them here instead).`
              : '',
            'Ctrl-C stops it.',
            '',
          ].join('\n'),
        );
        if (screen) stops.push(watchLadder(screen, producer, summaryMs));
      }
    });
}
