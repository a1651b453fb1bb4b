import type { LadderCatalog } from '../../producer/ladder-ops.js';
import { OpenAiError } from './errors.js';
import { modelIds } from './model-map.js';

export interface OpenAiModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: 'llm-ladder';
}

export interface OpenAiModelList {
  object: 'list';
  data: OpenAiModel[];
}

/** Every value `model` accepts: `ladder`, level names, complexities, targets. */
export function modelList(catalog: LadderCatalog, createdSeconds: number): OpenAiModelList {
  return {
    object: 'list',
    data: modelIds(catalog).map((id) => ({
      id,
      object: 'model',
      created: createdSeconds,
      owned_by: 'llm-ladder',
    })),
  };
}

/** `GET /v1/models/{id}`, or OpenAI's 404 for a model it does not know. */
export function findModel(catalog: LadderCatalog, id: string, createdSeconds: number): OpenAiModel {
  const found = modelList(catalog, createdSeconds).data.find((m) => m.id === id);
  if (found) return found;
  throw new OpenAiError(
    404,
    `The model \`${id.slice(0, 200)}\` does not exist on this ladder; GET /v1/models lists them`,
    {
      type: 'invalid_request_error',
      param: 'model',
      code: 'model_not_found',
    },
  );
}
