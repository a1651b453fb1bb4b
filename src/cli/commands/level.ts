import type { Command } from 'commander';
import type { LevelAction } from '../../ladder/literals.js';
import { clientAt, type ClientOptions } from '../client-for.js';
import { CliError } from '../context.js';
import { lacks, locateLadder } from '../locate.js';

/** Pauses or resumes a level over the API or Redis; a level the ladder has not is exit 2. */
async function levelAction(ref: string, action: LevelAction, options: ClientOptions) {
  const where = await locateLadder(options);
  const client = await clientAt(where);
  try {
    const { levels } = await client.ladder();
    const level = levels.find((l) => l.name === ref || String(l.level) === ref);
    if (!level)
      throw new CliError(
        lacks(
          where,
          `level "${ref}"`,
          `levels: ${levels.map((l) => `${l.level} ${l.name}`).join(', ')}`,
        ),
        2,
      );
    if (!client.levelAction) throw new CliError('this client cannot pause levels', 1);
    return await client.levelAction(level.name, action);
  } finally {
    await client.close();
  }
}

function withClientOptions(command: Command): Command {
  return command
    .option(
      '--url <url>',
      'the API to talk to (else LADDER_URL; else Redis through the config; else the local API)',
    )
    .option('--token <token>', 'API token (else LADDER_API_TOKEN)')
    .option('--config <path>', 'config file (else LADDER_CONFIG, else ./ladder.yaml)');
}

export function registerLevel(program: Command): void {
  withClientOptions(
    program
      .command('pause')
      .description(
        "pause a level's queue for every worker (the breaker never resumes an operator's pause)",
      )
      .argument('<level>', 'level number or name'),
  ).action(async (ref: string, options: ClientOptions) => {
    const { name } = await levelAction(ref, 'pause', options);
    process.stdout.write(`level ${name}: paused by operator (new jobs enter the next level)\n`);
  });
  withClientOptions(
    program
      .command('resume')
      .description('resume a level paused by an operator')
      .argument('<level>', 'level number or name'),
  ).action(async (ref: string, options: ClientOptions) => {
    const { name } = await levelAction(ref, 'resume', options);
    process.stdout.write(`level ${name}: resumed\n`);
  });
}
