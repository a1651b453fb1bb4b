import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE } from '../config/load.js';
import type { LadderConfig } from '../config/types.js';
import { cliConfig, CliError, type CommonOptions } from './context.js';

export interface ClientOptions extends CommonOptions {
  url?: string;
  token?: string;
}

/** Where a command that talks to a ladder finds it: an API, or Redis through a config. */
export type LadderLocation =
  { kind: 'http'; url: string; token?: string } | { kind: 'config'; config: LadderConfig };

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
  if (url) return { kind: 'http', url, token };
  const named = [options.config, process.env.LADDER_CONFIG].some((p) => p && p.trim() !== '');
  if (named || existsSync(resolve(process.cwd(), DEFAULT_CONFIG_FILE)))
    return { kind: 'config', config: cliConfig(options) };
  const local = localApiUrl();
  if (await answersAsLadder(local)) return { kind: 'http', url: local, token };
  throw new CliError(
    `no ladder to talk to: nothing answers at ${local} and there is no ./${DEFAULT_CONFIG_FILE} here.\n` +
      '  start one:     npm start (the demo), or ladder start --config FILE\n' +
      '  or say where:  --url URL (or LADDER_URL), or --config FILE (or LADDER_CONFIG)',
    3,
  );
}
