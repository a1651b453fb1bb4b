import { ANY_MODEL, type Behaviour, type FakeProvider } from '../helpers/fake-provider/server.js';
export { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import { testPrefix } from '../helpers/ladder.js';
import { writeConfigFile } from '../helpers/processes.js';

export const API_TOKEN = 'fault-suite-token-7f3a';

/** Standard three-level LLM ladder plus cache and static, every provider pointed at the fake. */
export const LADDER_LEVELS = [
  { name: 'full', targets: ['anthropic/claude-opus-4-1', 'openai/gpt-4o'] },
  { name: 'reduced', targets: ['openai/gpt-4o-mini', 'google/gemini-2.0-flash'] },
  { name: 'basic', targets: ['google/gemini-2.0-flash-lite'] },
  { name: 'cached', serve: 'cache' },
  { name: 'static', serve: 'static', message: 'Service temporarily limited' },
];

export const LEVEL_NAMES = LADDER_LEVELS.map((l) => l.name);

/**
 * The `worker:` block of the scenarios where Redis goes away (restart, failover): fewer jobs at
 * once, and locks that outlast a short outage so a job is not stalled and run twice meanwhile.
 */
export const REDIS_OUTAGE_WORKER = {
  concurrency: 4,
  lock_duration_ms: 2_000,
  stalled_interval_ms: 1_000,
  shutdown_grace_ms: 3_000,
};

export interface FaultConfig {
  prefix: string;
  path: string;
  data: Record<string, unknown>;
}

/** Writes a config for worker and API processes; `overrides` replace whole top-level blocks. */
export function faultConfig(
  redisUrl: string,
  fake: FakeProvider | undefined,
  overrides: Record<string, unknown> = {},
): FaultConfig {
  const prefix = testPrefix();
  const providers: Record<string, unknown> = {};
  if (fake) {
    for (const name of ['anthropic', 'openai', 'google'] as const) {
      providers[name] = {
        api_key: `sk-fault-${name}-key`,
        base_url: fake.baseUrls[name],
        timeout_ms: 1_000,
      };
    }
  }
  const data: Record<string, unknown> = {
    redis: { url: redisUrl, prefix },
    providers,
    levels: LADDER_LEVELS,
    fallback: { max_retries: 1, base_delay_ms: 5, max_delay_ms: 20 },
    breaker: {
      failure_threshold: 5,
      window: 10,
      failure_rate: 1,
      minimum_calls: 1000,
      reset_timeout: 1,
      max_reset_timeout: 2,
      half_open_max_calls: 2,
    },
    worker: {
      concurrency: 8,
      lock_duration_ms: 1_000,
      stalled_interval_ms: 500,
      shutdown_grace_ms: 3_000,
    },
    results: { ttl: 600 },
    api: { tokens: [API_TOKEN] },
    ...overrides,
  };
  return { prefix, path: writeConfigFile(data), data };
}

/** One line the suite's figures are collected from (`grep FAULT-FIGURES`). */
export function reportFigures(scenario: string, figures: Record<string, unknown>): void {
  process.stdout.write(`FAULT-FIGURES ${JSON.stringify({ scenario, ...figures })}\n`);
}

/** Every model of every provider of the standard ladder answers `behaviour`. */
export function everyProviderAnswers(fake: FakeProvider, behaviour: Behaviour): void {
  for (const provider of ['anthropic', 'openai', 'google'] as const)
    fake.setDefault(provider, ANY_MODEL, behaviour);
}
