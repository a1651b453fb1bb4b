const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * `--since` and `?since=`: a span back from now (`90m`, `24h`, `7d`, `2w`, `3600s`) or an ISO 8601
 * time. Answers epoch ms; throws a RangeError that says what is accepted.
 */
export function parseSince(text: string, nowMs: number): number {
  const span = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim());
  if (span?.[1] && span[2]) return nowMs - Number(span[1]) * (UNIT_MS[span[2]] ?? 0);
  const at = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && Number.isFinite(at)) return at;
  throw new RangeError(
    `since must be a span like 30m, 24h, 7d or 2w, or an ISO 8601 time; got "${text}"`,
  );
}
