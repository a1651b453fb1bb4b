import type { Command } from 'commander';
import { pauseLevel, resumeLevel } from '../../levels/operator-pause.js';
import { createKeys } from '../../ladder/keys.js';
import { LevelQueues } from '../../jobs/queues.js';
import { selectLevels } from '../../workers/runtime.js';
import { connectRedis, createRedis } from '../../util/redis.js';
import { cliConfig, type CommonOptions } from '../context.js';
import { redisSource } from '../../config/types.js';

async function withLevel(
  ref: string,
  options: CommonOptions,
  act: (input: Parameters<typeof pauseLevel>[0]) => Promise<void>,
): Promise<string> {
  const config = cliConfig(options);
  const [level] = selectLevels(config, [ref]);
  const redis = createRedis(redisSource(config.redis), 'producer');
  await connectRedis(redis);
  const queues = new LevelQueues(redis, config.redis.prefix, level ? [level] : []);
  try {
    const queue = queues.queue(level!.name);
    await act({ redis, keys: createKeys(config.redis.prefix), queue });
    return level!.name;
  } finally {
    await queues.close();
    redis.disconnect();
  }
}

export function registerLevel(program: Command): void {
  program
    .command('pause')
    .description(
      "pause a level's queue for every worker (the breaker never resumes an operator's pause)",
    )
    .argument('<level>', 'level number or name')
    .option('--config <path>', 'config file (else LADDER_CONFIG, else ./ladder.yaml)')
    .action(async (ref: string, options: CommonOptions) => {
      const name = await withLevel(ref, options, pauseLevel);
      process.stdout.write(`level ${name}: paused by operator (new jobs enter the next level)\n`);
    });
  program
    .command('resume')
    .description('resume a level paused by an operator')
    .argument('<level>', 'level number or name')
    .option('--config <path>', 'config file (else LADDER_CONFIG, else ./ladder.yaml)')
    .action(async (ref: string, options: CommonOptions) => {
      const name = await withLevel(ref, options, resumeLevel);
      process.stdout.write(`level ${name}: resumed\n`);
    });
}
