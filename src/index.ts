/**
 * llm-ladder's public API: the client, the job and result shapes, and the pieces to embed workers
 * or the HTTP API in your own process.
 */
export { LadderClient, type LadderClientOptions } from './producer/ladder-client.js';
export type { EnqueueAnswer, LadderOps, ResultOptions } from './producer/ladder-ops.js';
export {
  JobValidationError,
  LadderUnavailableError,
  NotReplicatedError,
  QueueFullError,
  isJobValidationError,
  isNotReplicatedError,
} from './producer/errors.js';
export type {
  CompletionRequest,
  JobInput,
  Message,
  Tool,
  ToolCall,
  ToolChoice,
} from './ladder/job-schema.js';
export { jobInputSchema, parseJob } from './ladder/job-schema.js';
export type { Attempt, JobResult, JobStatus, ResultError, ResultSource } from './ladder/result.js';
export type { LadderState, LevelState, TargetState } from './ladder/state.js';
export type { BreakerSnapshot, BreakerStateName, BreakerAction } from './breaker/types.js';
export type { LadderConfig, LevelConfig } from './config/types.js';
export { loadConfig, parseConfig, buildConfig } from './config/load.js';
export { ConfigError } from './config/errors.js';
export {
  startWorkerRuntime,
  type WorkerRuntime,
  type WorkerRuntimeOptions,
} from './workers/runtime.js';
export { createApiApp } from './api/app.js';
