import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * A module of the ladder as built in dist/ (run.ts builds it first), for the ladder code a
 * scenario runs inside the bench's own process: loaded from the build, as users run it, and not
 * through tsx, whose `__name` wrapper on every closure made per job the bare side (BullMQ's own
 * JavaScript) never pays. `path` is the module's path under src/, e.g. `producer/ladder-client.js`;
 * `T` is its type, `typeof import('../../src/producer/ladder-client.js')`.
 */
export async function builtModule<T>(path: string): Promise<T> {
  return (await import(pathToFileURL(join(ROOT, 'dist', path)).href)) as T;
}
