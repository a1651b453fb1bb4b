import type { CompletionRequest, Message } from '../../ladder/job-schema.js';

/** Words too common to say what a tool is for. */
const STOP_WORDS = new Set(
  'a an and any are for from get give have into its let me my of on or our please show that the this to use what when where which with you your'.split(
    ' ',
  ),
);

/** Lower-case words of three letters or more, names split at `_`, `-`, `.` and camelCase. */
function words(text: string): Set<string> {
  const spaced = text.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return new Set(spaced.split(/[^a-z0-9]+/).filter((w) => w.length >= 3 && !STOP_WORDS.has(w)));
}

/** The words of a word set that `prompt` holds, also as the start of a longer word ("invoices"). */
function overlap(wanted: Set<string>, prompt: Set<string>): number {
  let n = 0;
  for (const w of wanted) if ([...prompt].some((p) => p === w || p.startsWith(w))) n++;
  return n;
}

function lastMessage(messages: readonly Message[]): Message | undefined {
  return messages[messages.length - 1];
}

/**
 * Which tool a simulated model calls of its own accord (`tool_choice` auto or absent), or null
 * for a text answer. Only right after a user message: after a tool result it answers in words, so
 * an agent's loop ends. A tool is called when the message asks for what it covers (a word of its
 * name counts 2, a word of its description 1; 2 is enough, the best wins), or else, when `draw`
 * says so (`providers.simulated.tool_call_rate`), the first tool.
 */
export function autoToolChoice(request: CompletionRequest, draw: boolean): string | null {
  const tools = request.tools ?? [];
  const choice = request.tool_choice;
  if (tools.length === 0 || (choice !== undefined && choice !== 'auto')) return null;
  const last = lastMessage(request.messages);
  if (last?.role !== 'user') return null;
  const prompt = words(last.content);
  let best: { name: string; score: number } | null = null;
  for (const tool of tools) {
    const score =
      2 * overlap(words(tool.name), prompt) + overlap(words(tool.description ?? ''), prompt);
    if (score >= 2 && (best === null || score > best.score)) best = { name: tool.name, score };
  }
  if (best) return best.name;
  return draw ? (tools[0]?.name ?? null) : null;
}
