import type { Command } from 'commander';
import { clientFor, type ClientOptions } from '../client-for.js';
import { CliError, parsePositiveInt } from '../context.js';
import { responseFormatFromFile } from '../schema-file.js';
import { printStream } from '../print-stream.js';

interface EnqueueOptions extends ClientOptions {
  wait?: boolean;
  stream?: boolean;
  level?: string;
  floor?: string;
  system?: string;
  timeout?: string;
  json?: boolean;
  schema?: string;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function registerEnqueue(program: Command): void {
  program
    .command('enqueue')
    .description('enqueue one prompt (from the argument or stdin); --wait prints the answer')
    .argument('[prompt]', 'the user message; read from stdin when absent')
    .option('-w, --wait', 'wait for the result and print the answer and the level that served it')
    .option('--stream', 'print the answer as it is produced (--json: one event per line)')
    .option('--level <level>', 'entry level, number or name')
    .option('--floor <level>', 'lowest level accepted, number or name')
    .option('--system <text>', 'system prompt')
    .option('--timeout <seconds>', 'how long --wait waits (default 120)')
    .option('--json', 'print the full result JSON')
    .option(
      '--schema <file>',
      'answer as JSON valid against this JSON Schema (checked before it counts)',
    )
    .option(
      '--url <url>',
      'the API to talk to (else LADDER_URL; else Redis through the config; else the local API)',
    )
    .option('--token <token>', 'API token (else LADDER_API_TOKEN)')
    .option('--config <path>', 'config file (else LADDER_CONFIG, else ./ladder.yaml)')
    .action(async (prompt: string | undefined, options: EnqueueOptions) => {
      const content = (prompt ?? (await readStdin())).trim();
      if (!content)
        throw new CliError('nothing to enqueue: give a prompt as an argument or on stdin', 2);
      const timeoutMs =
        (options.timeout ? parsePositiveInt(options.timeout, '--timeout') : 120) * 1000;
      const format = options.schema ? await responseFormatFromFile(options.schema) : undefined;
      const client = await clientFor(options);
      try {
        const { id, level_name } = await client.enqueue({
          request: {
            ...(options.system ? { system: options.system } : {}),
            messages: [{ role: 'user', content }],
            ...(format ? { response_format: format } : {}),
          },
          ...(options.level ? { level: options.level } : {}),
          ...(options.floor ? { floor: options.floor } : {}),
          ...(options.stream ? { stream: true } : {}),
        });
        if (!options.wait && !options.stream) {
          process.stdout.write(
            options.json
              ? `${JSON.stringify({ id, level_name })}\n`
              : `${id} queued at ${level_name}\n`,
          );
          return;
        }
        const result = options.stream
          ? await printStream(client, id, {
              json: options.json === true,
              timeoutMs,
              out: (text) => process.stdout.write(text),
              err: (text) => process.stderr.write(text),
            })
          : await client.result(id, { timeoutMs });
        if (options.json && !options.stream)
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        if (!result || result.status === 'queued' || result.status === 'active') {
          throw new CliError(
            `job ${id} did not finish within ${timeoutMs / 1000}s; see \`ladder status\``,
            3,
          );
        }
        if (result.status !== 'completed') {
          throw new CliError(`job ${id} ${result.status}: ${result.error?.message ?? ''}`, 4);
        }
        if (!options.json) {
          const by = result.provider ? `${result.provider}/${result.model}` : result.source;
          // Streamed, the answer is out already: only the line saying where it came from follows.
          const answer = options.stream ? '' : (result.output?.text ?? '');
          process.stdout.write(
            `${answer}\n\n— level ${result.level} ${result.level_name} (${by})${result.degraded ? ', degraded' : ''}, ${result.timing.total_ms ?? '?'} ms\n`,
          );
        }
      } finally {
        await client.close();
      }
    });
}
