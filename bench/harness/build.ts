import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Builds dist/ from this checkout's src/ (`npm run build`): the ladder processes the bench starts
 * run from the build, as users run them, and must not measure a build older than the code.
 */
export function buildLadder(log: (message: string) => void): void {
  const t = performance.now();
  log('▶ build (the ladder processes run from dist/, as users run them)');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  log(`  build took ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
