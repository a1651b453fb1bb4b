import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE } from '../config/load.js';
import type { LadderConfig } from '../config/types.js';
import { cliConfig, CliError, type CommonOptions } from './context.js';

export interface ClientOptions extends CommonOptions {
  url?: string;
  token?: string;
}

/**
 * Where a command that talks to a ladder finds it: an API, or Redis through a config. `name` says
 * which ladder in messages ("the ladder of ./ladder.yaml"), since a ./ladder.yaml left in the
 * folder wins over the demo's API, which surprises whoever is looking at the demo.
 */
export type LadderLocation =
  | { kind: 'http'; url: string; token?: string; name: string }
  | { kind: 'config'; config: LadderConfig; name: string; hint?: string };

/** "<the ladder ...> has no <what>": the message for a target or level the ladder lacks. */
export function lacks(where: LadderLocation, what: string, known: string): string {
  const hint = where.kind === 'config' && where.hint ? `\n  ${where.hint}` : '';
  return `${where.name} has no ${what} (${known})${hint}`;
}

/** A URL as messages show it: without any user or password it may carry. */
function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.href.replace(/\/$/, '');
  } catch {
    return 'the URL given';
  }
}

/** The API `ladder start`, `ladder api` and the demo listen on when nothing else is said. */
export function localApiUrl(env: NodeJS.ProcessEnv = process.env): string {
  const port = env.PORT && /^\d{1,5}$/.test(env.PORT) ? env.PORT : '3000';
  return `http://127.0.0.1:${port}`;
}

/** Whether a ladder API answers at `url` (its open `/healthz`), within a second. */
async function answersAsLadder(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
    const body = (await response.json()) as { status?: unknown };
    return response.ok && body.status === 'ok';
  } catch {
    return false;
  }
}

/**
 * In this order: `--url` or LADDER_URL; `--config` or LADDER_CONFIG; `./ladder.yaml` when it
 * exists; else the local API (PORT, else 3000) when it answers, so `npm start` in one terminal and
 * `npx ladder status` in another need no flags. Nothing found is exit 3, with no config suggested:
 * a file whose levels are not the running ladder's would only mislead.
 */
export async function locateLadder(options: ClientOptions): Promise<LadderLocation> {
  const token = options.token ?? process.env.LADDER_API_TOKEN;
  const url = options.url ?? process.env.LADDER_URL;
  if (url) return { kind: 'http', url, token, name: `the ladder at ${shownUrl(url)}` };
  const named = [options.config, process.env.LADDER_CONFIG].find((p) => p && p.trim() !== '');
  if (named || existsSync(resolve(process.cwd(), DEFAULT_CONFIG_FILE)))
    return {
      kind: 'config',
      config: cliConfig(options),
      name: `the ladder of ${named ?? `./${DEFAULT_CONFIG_FILE}`}`,
      hint: named
        ? undefined
        : `./${DEFAULT_CONFIG_FILE} in this folder comes before the local API; --url ${localApiUrl()} talks to the API`,
    };
  const local = localApiUrl();
  if (await answersAsLadder(local))
    return { kind: 'http', url: local, token, name: `the ladder at ${local}` };
  throw new CliError(
    `no ladder to talk to: nothing answers at ${local} and there is no ./${DEFAULT_CONFIG_FILE} here.\n` +
      '  start one:     npm start (the demo), or ladder start --config FILE\n' +
      '  or say where:  --url URL (or LADDER_URL), or --config FILE (or LADDER_CONFIG)',
    3,
  );
}
