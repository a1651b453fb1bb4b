import { DEFAULT_WORKER } from '../config/defaults.js';

/**
 * What closing may take beyond `worker.shutdown_grace_ms` (connections, the last stats flush)
 * before the process exits without it.
 */
export const SHUTDOWN_MARGIN_MS = 10_000;

export interface ShutdownOptions {
  /** Tells what happens (`SIGTERM: shutting down`), by default as a JSON log line on stderr. */
  say?: (text: string) => void;
  /**
   * How long `stop` may take before the process exits anyway, with 1. A close that waits on an
   * unreachable Redis would otherwise never end (ioredis keeps its commands for a reconnect), and a
   * process that ignores SIGTERM is killed by its supervisor or leaves a terminal stuck. Nothing
   * accepted is lost by leaving: jobs live in Redis, and an active one is taken over once its lock
   * lapses. Default: the default `worker.shutdown_grace_ms` plus SHUTDOWN_MARGIN_MS.
   */
  deadlineMs?: number;
}

/** The deadline for a process whose workers have `graceMs` to finish their active jobs. */
export function shutdownDeadline(graceMs: number): number {
  return graceMs + SHUTDOWN_MARGIN_MS;
}

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits 0 (or 1 if stopping failed or ran past its
 * deadline). Answers the same shutdown for other reasons (the demo's parent went away).
 */
export function onShutdown(
  stop: () => Promise<void>,
  options: ShutdownOptions = {},
): (reason: string) => void {
  const say =
    options.say ??
    ((text: string) =>
      process.stderr.write(`${JSON.stringify({ level: 'info', process: 'cli', msg: text })}\n`));
  const deadlineMs = options.deadlineMs ?? shutdownDeadline(DEFAULT_WORKER.shutdownGraceMs);
  let stopping = false;
  const handler = (reason: string): void => {
    // A second signal is not a "force": npm forwards the terminal's Ctrl-C to a process that
    // already got it from the terminal, and cleaning up must not be cut short by that.
    if (stopping) return;
    stopping = true;
    say(`${reason}: shutting down`);
    // Kept referenced: a stop left hanging on a promise alone must not end in a quiet exit 0.
    setTimeout(() => {
      say(`shutdown still not finished after ${deadlineMs} ms (is Redis reachable?): exiting`);
      process.exit(1);
    }, deadlineMs);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return handler;
}

/**
 * `onShutdown` for what `starting` opens, registered before it is up: a process announces it is
 * ready ("API listening", "workers started") before its start-up promise resolves, and a SIGTERM
 * taken in between would otherwise meet Node's default action and kill it by the signal. A signal
 * during start-up waits for it, then closes what it opened.
 */
export function onShutdownOf(
  starting: Promise<{ close(): Promise<void> }>,
  options: ShutdownOptions = {},
): (reason: string) => void {
  return onShutdown(async () => (await starting).close(), options);
}
