import type { Command } from 'commander';
import { clientFor, type ClientOptions } from '../client-for.js';
import { renderLadder } from '../render-ladder.js';

interface StatusOptions extends ClientOptions {
  json?: boolean;
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show the ladder: each level, its queue and each breaker')
    .option('--json', 'print the ladder state as JSON (the shape of GET /v1/ladder)')
    .option(
      '--url <url>',
      'the API to talk to (else LADDER_URL; else Redis through the config; else the local API)',
    )
    .option('--token <token>', 'API token (else LADDER_API_TOKEN)')
    .option('--config <path>', 'config file (else LADDER_CONFIG, else ./ladder.yaml)')
    .action(async (options: StatusOptions) => {
      const client = await clientFor(options);
      try {
        const state = await client.ladder();
        process.stdout.write(
          options.json ? `${JSON.stringify(state, null, 2)}\n` : `${renderLadder(state)}\n`,
        );
      } finally {
        await client.close();
      }
    });
}
