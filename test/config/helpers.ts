import { expect } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';

/** Runs `fn`, expects a ConfigError, and returns it for closer checks. */
export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but the config loaded');
}

/** A minimal valid ladder-form config to vary in tests. */
export function ladder(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    levels: [
      { name: 'full', targets: ['simulated/opus-sim'] },
      { name: 'reduced', targets: ['simulated/sonnet-sim'] },
      { name: 'basic', targets: ['simulated/haiku-sim'] },
      { name: 'cached', serve: 'cache' },
      { name: 'static', serve: 'static' },
    ],
    ...extra,
  };
}
