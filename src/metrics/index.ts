export { recordJobFinished, recordProviderCall, type ProviderCallRecord } from './record.js';
export { renderMetrics, resetMetrics } from './render.js';
export { registry as metricsRegistry } from './registry.js';
