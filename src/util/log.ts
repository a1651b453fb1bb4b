import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs, one line per event. Every line carries `target` (the component); job lines
 * add `job_id`. Secrets never reach here: callers pass ids, classes and statuses, not configs.
 */
export function createLogger(
  target: string,
  level: string = process.env.LOG_LEVEL ?? 'info',
): Logger {
  return pino({
    level,
    base: { target },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Readable levels ("warn", not 40); the ladder's own levels are logged as `ladder_level`.
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: ['apiKey', 'api_key', '*.apiKey', '*.api_key', 'headers.authorization', 'token'],
      censor: '[redacted]',
    },
  });
}
