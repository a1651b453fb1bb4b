/** Readers for what a provider's wire answer holds, which is never trusted to have the documented shape. */

/** A JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A token count: the number when it is one, else 0 (a count left out or mistyped adds nothing). */
export function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
