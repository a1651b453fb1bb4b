/**
 * One cheap pass over parsed JSON before a schema sees it, on every way in (HTTP, client, raw
 * BullMQ). Zod and most walkers recurse and allocate per value; a 1 MB body of nested brackets or
 * of half a million numbers would hold the event loop for seconds. This pass keeps no path while it
 * walks (only a stack of open containers, whose keys make the path when a problem is reported),
 * visits each value once, and stops at the first limit passed.
 */

/** Deeper JSON is refused: JSON.stringify and most walkers recurse, and would overflow the stack. */
export const MAX_JSON_DEPTH = 64;

/** Values (objects, arrays and scalars) one job may hold; a real job has a few thousand. */
export const MAX_JSON_NODES = 100_000;

/** Items one array (or keys one object) may hold; the longest documented list allows 1,000. */
export const MAX_ARRAY_ITEMS = 10_000;

export interface ShapeProblem {
  path: string;
  message: string;
}

/** An open container: its keys (null for an array) and the next position to visit. */
interface Frame {
  node: Record<string, unknown> | unknown[];
  keys: string[] | null;
  next: number;
}

function pathOf(stack: Frame[]): string {
  const parts = stack.map((f) =>
    f.keys === null ? String(f.next - 1) : (f.keys[f.next - 1] ?? ''),
  );
  return parts.length === 0 ? '(root)' : parts.join('.');
}

function open(value: unknown): Frame | null {
  if (typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) return { node: value, keys: null, next: 0 };
  const node = value as Record<string, unknown>;
  return { node, keys: Object.keys(node), next: 0 };
}

/** The first limit `value` passes, with the path where it was found; null when within them all. */
export function jsonShapeProblem(
  value: unknown,
  limits: { maxDepth?: number; maxNodes?: number; maxArrayItems?: number } = {},
): ShapeProblem | null {
  const maxDepth = limits.maxDepth ?? MAX_JSON_DEPTH;
  const maxNodes = limits.maxNodes ?? MAX_JSON_NODES;
  const maxItems = limits.maxArrayItems ?? MAX_ARRAY_ITEMS;
  const root = open(value);
  if (root === null) return null;
  const stack: Frame[] = [root];
  let nodes = 1;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const size = top.keys === null ? (top.node as unknown[]).length : top.keys.length;
    if (top.next === 0 && size > maxItems) {
      const what = top.keys === null ? 'an array holds at most' : 'an object holds at most';
      stack.pop();
      const at = stack.length === 0 ? '(root)' : pathOf(stack);
      return { path: at, message: `${what} ${maxItems} entries, got ${size}` };
    }
    if (top.next >= size) {
      stack.pop();
      continue;
    }
    const index = top.next++;
    const child =
      top.keys === null
        ? (top.node as unknown[])[index]
        : (top.node as Record<string, unknown>)[top.keys[index]!];
    if (++nodes > maxNodes)
      return { path: pathOf(stack), message: `a job holds at most ${maxNodes} values` };
    const frame = open(child);
    if (frame === null) continue;
    if (stack.length >= maxDepth)
      return { path: pathOf(stack), message: `nested deeper than ${maxDepth} levels` };
    stack.push(frame);
  }
  return null;
}

/**
 * Keys of a plain object that `known` does not list, or an empty list. Checked before the walk, so
 * a body that hides a megabyte under a field the job does not have is refused without reading it.
 */
export function unknownKeys(value: unknown, known: ReadonlySet<string>): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.keys(value).filter((k) => !known.has(k));
}
