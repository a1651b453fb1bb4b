import type { LadderCatalog } from '../../producer/ladder-ops.js';
import { entryFor, resolveModel, type Entry } from '../openai-compat/model-map.js';

/**
 * `model` picks the entry as on /v1/chat/completions; a bare Claude model name (what the Anthropic
 * SDK sends) also names the `anthropic/<model>` target of the ladder.
 */
export function anthropicEntry(catalog: LadderCatalog, model: string): Entry {
  const entry = resolveModel(catalog, model);
  if (entry !== null) return entry;
  const claude = resolveModel(catalog, `anthropic/${model}`);
  if (claude !== null && !model.includes('/')) return claude;
  return entryFor(catalog, model);
}
