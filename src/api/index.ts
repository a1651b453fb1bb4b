export { createApiApp } from './app.js';
export { authMode, createAuthMiddleware, type AuthMode } from './auth.js';
export { isOpenPath, normalisePath } from './auth-path.js';
export { mapError } from './error-handler.js';
export { openApiDocument } from './openapi.js';
export type { ApiAppOptions, ApiErrorBody, ApiProblem, Readiness } from './types.js';
