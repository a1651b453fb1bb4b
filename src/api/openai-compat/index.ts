export {
  mountOpenAiCompat,
  openAiCompatRouter,
  openAiErrorHandler,
  type OpenAiCompatDeps,
} from './router.js';
export { isOpenAiCompatPath, OPENAI_COMPAT_PATHS } from './paths.js';
export { openAiErrorBody, type OpenAiErrorBody } from './errors.js';
