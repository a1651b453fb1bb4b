import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Structured JSON logs, one line per event, one key per meaning: every line carries `process`
 * (what was started: worker, api, start, demo), a part of it adds `component` (breaker, cost,
 * levels, stream; see `componentLogger`), job lines add `job_id`, provider lines `provider_target`.
 * Secrets never reach here: callers pass ids, classes and statuses, not configs.
 */
let defaultDestination: DestinationStream | undefined;

/**
 * Where loggers created from now on write when given no destination (default stdout): the demo
 * sends them to a file and its console.
 */
export function setDefaultLogDestination(destination: DestinationStream | undefined): void {
  defaultDestination = destination;
}

export function createLogger(
  processName: string,
  level: string = process.env.LOG_LEVEL ?? 'info',
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level,
    base: { process: processName },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Readable levels ("warn", not 40); the ladder's own levels are logged as `ladder_level`.
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: ['apiKey', 'api_key', '*.apiKey', '*.api_key', 'headers.authorization', 'token'],
      censor: '[redacted]',
    },
  };
  const to = destination ?? defaultDestination;
  return to ? pino(options, to) : pino(options);
}

/** The logger of one part of a process (call it on the process's logger): its lines add `component`. */
export function componentLogger(parent: Logger, component: string): Logger {
  return parent.child({ component });
}
