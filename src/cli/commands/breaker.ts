import type { Command } from 'commander';
import type { BreakerAction } from '../../breaker/types.js';
import { clientAt, type ClientOptions } from '../client-for.js';
import { CliError } from '../context.js';
import { lacks, locateLadder } from '../locate.js';

const ACTIONS: readonly BreakerAction[] = ['open', 'close', 'auto'];

export function registerBreaker(program: Command): void {
  program
    .command('breaker')
    .description("force a target's breaker open or closed, or give it back to the automatic rules")
    .argument('<action>', 'open | close | auto')
    .argument('<target>', 'provider/model, e.g. anthropic/claude-opus-4-7')
    .option(
      '--url <url>',
      'the API to talk to (else LADDER_URL; else Redis through the config; else the local API)',
    )
    .option('--token <token>', 'API token (else LADDER_API_TOKEN)')
    .option('--config <path>', 'config file (else LADDER_CONFIG, else ./ladder.yaml)')
    .action(async (action: string, target: string, options: ClientOptions) => {
      if (!ACTIONS.includes(action as BreakerAction)) {
        throw new CliError(`unknown action "${action}": use open, close or auto`, 2);
      }
      if (!/^[^/]+\/.+$/.test(target))
        throw new CliError(`target must be provider/model, got "${target}"`, 2);
      const where = await locateLadder(options);
      const client = await clientAt(where);
      try {
        const known = (await client.ladder()).levels.flatMap((l) => l.targets.map((t) => t.target));
        if (!known.includes(target))
          throw new CliError(lacks(where, `target "${target}"`, `targets: ${known.join(', ')}`), 2);
        await client.breaker(target, action as BreakerAction);
        process.stdout.write(
          `breaker ${target}: ${action === 'auto' ? 'automatic' : `forced ${action}`}\n`,
        );
      } finally {
        await client.close();
      }
    });
}
