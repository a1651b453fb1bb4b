import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'src/cli/main.ts');

/** Writes a YAML config to a fresh temporary folder and answers its path. */
export function writeConfigFile(data: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ladder-test-'));
  const path = join(dir, 'ladder.yaml');
  writeFileSync(path, stringify(data));
  return path;
}

export interface LadderProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when a line containing `text` has been printed. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  exited(): Promise<number | null>;
}

/** Runs the real CLI (`ladder ...`) as a child process, through tsx so no build is needed. */
export function runLadder(args: string[], env: Record<string, string> = {}): LadderProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    output: () => text,
    exited: () => exit,
    waitFor: (needle, timeoutMs = 60_000) =>
      new Promise<void>((resolvePromise, reject) => {
        if (text.includes(needle)) return resolvePromise();
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for "${needle}"; output so far:\n${text}`));
        }, timeoutMs);
        const check = (): void => {
          if (!text.includes(needle)) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolvePromise();
        };
        listeners.add(check);
        void exit.then(() => {
          if (!text.includes(needle)) {
            clearTimeout(timer);
            listeners.delete(check);
            reject(new Error(`process exited before "${needle}"; output:\n${text}`));
          }
        });
      }),
  };
}
