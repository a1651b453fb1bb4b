import { jobIdSchema } from '../../ladder/job-schema.js';
import type { LadderOps } from '../../producer/ladder-ops.js';
import { invalidRequest } from '../openai-compat/errors.js';
import type { ResolvedItem, ResolvedRequest, ResponsesRequest } from './request-schema.js';
import { outputItems, type OutputItem } from './to-response.js';

/** `msg_<job id>_<output index>` or `fc_<job id>_<output index>`, as to-response.ts names items. */
const ITEM_ID = /^(?:msg|fc)_(.+)_\d+$/;

function asInput(item: OutputItem): ResolvedItem {
  if (item.type === 'function_call')
    return {
      type: 'function_call',
      call_id: item.call_id,
      name: item.name,
      arguments: item.arguments,
    };
  return { type: 'message', role: 'assistant', content: item.content };
}

/**
 * An `item_reference` to an output item of an earlier answer is that item, read back from the
 * job's record while the ladder keeps it (`results.ttl`): the Vercel AI SDK refers to earlier items
 * instead of sending them when `store` is on, its default. This is the record every job has, not a
 * stored conversation; any other reference is a 400 that says what to send instead.
 */
export async function resolveReferences(
  request: ResponsesRequest,
  ops: Pick<LadderOps, 'get'>,
): Promise<ResolvedRequest> {
  if (typeof request.input === 'string') return { ...request, input: request.input };
  const input: ResolvedItem[] = [];
  for (const [index, item] of request.input.entries()) {
    if (item.type !== 'item_reference') {
      input.push(item);
      continue;
    }
    const found = await referencedItem(item.id, ops);
    if (found === null) {
      throw invalidRequest(
        `input[${index}]: item_reference ${item.id.slice(0, 200)} names no answer this ladder still keeps (answers are kept for results.ttl, and the ladder keeps no conversation state): send the item itself (with the Vercel AI SDK, set providerOptions.openai.store = false)`,
        `input[${index}].id`,
      );
    }
    input.push(asInput(found));
  }
  return { ...request, input };
}

async function referencedItem(id: string, ops: Pick<LadderOps, 'get'>): Promise<OutputItem | null> {
  const jobId = ITEM_ID.exec(id)?.[1];
  if (jobId === undefined || !jobIdSchema.safeParse(jobId).success) return null;
  const record = await ops.get(jobId);
  if (record?.status !== 'completed' || !record.output) return null;
  return outputItems(jobId, record.output).find((item) => item.id === id) ?? null;
}
