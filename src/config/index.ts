/** The config module: load a ladder.yaml (or build one in code) into a typed LadderConfig. */
export { buildConfig, loadConfig, parseConfig, resolveConfigPath, INLINE_SOURCE } from './load.js';
export { ConfigError, type ConfigProblem } from './errors.js';
export type { Env } from './interpolate.js';
export { KNOWN_PROVIDERS, API_KEY_ENV, parseTarget } from './providers.js';
export * from './types.js';
