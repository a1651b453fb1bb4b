/**
 * `new Date(ms).toISOString()` and `Date.parse` of such a string, for the times a worker stamps on
 * every job (its trail, its timing, its cache entry: four or five a job). On Node 20 the built-ins
 * cost about 2 µs and 0.7 µs a call, a few per cent of a no-op job's CPU. Here the day's part
 * (`2026-12-03T`) is kept from the last call and only the time of day is computed; anything not
 * on that day, not a whole non-negative ms, or not in the exact 24-character form goes to the
 * built-in, so every answer is the built-in's (test/util/iso-time.test.ts holds them to it).
 */

const DAY_MS = 86_400_000;

/** The last day seen: its first ms and its `YYYY-MM-DDT`. */
let dayStart = Number.NaN;
let dayPrefix = '';

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

function learnDay(ms: number): void {
  const start = ms - (ms % DAY_MS);
  const iso = new Date(start).toISOString();
  // Years beyond 9999 take another form: those stay with the built-in.
  if (iso.length !== 24) return;
  dayStart = start;
  dayPrefix = iso.slice(0, 11);
}

/** As `new Date(ms).toISOString()`, throwing the same RangeError for an invalid time. */
export function isoTime(ms: number): string {
  if (!(ms >= dayStart && ms < dayStart + DAY_MS) || !Number.isInteger(ms)) {
    if (!Number.isInteger(ms) || ms < 0 || ms > 253_402_300_799_999)
      return new Date(ms).toISOString();
    learnDay(ms);
    if (!(ms >= dayStart && ms < dayStart + DAY_MS)) return new Date(ms).toISOString();
  }
  let rest = ms - dayStart;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  rest -= seconds * 1000;
  return `${dayPrefix}${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(rest)}Z`;
}

const digit = (text: string, at: number): number => text.charCodeAt(at) - 48;
const two = (text: string, at: number): number => digit(text, at) * 10 + digit(text, at + 1);
/** Where `HH:mm:ss.sssZ` has its digits, from the start of the whole string. */
const DIGITS_AT = [11, 12, 14, 15, 17, 18, 20, 21, 22];

/** ms into the day of `HH:mm:ss.sssZ` at position 11, or -1 when it is not that, in range. */
function timeOfDay(text: string): number {
  for (const at of DIGITS_AT) {
    const code = text.charCodeAt(at);
    if (code < 48 || code > 57) return -1;
  }
  const colons = text.charCodeAt(13) === 58 && text.charCodeAt(16) === 58;
  if (!colons || text.charCodeAt(19) !== 46 || text.charCodeAt(23) !== 90) return -1;
  const hours = two(text, 11);
  const minutes = two(text, 14);
  const seconds = two(text, 17);
  // 24:00:00.000 and the like are the built-in's to judge.
  if (hours > 23 || minutes > 59 || seconds > 59) return -1;
  return (
    hours * 3_600_000 + minutes * 60_000 + seconds * 1000 + digit(text, 20) * 100 + two(text, 21)
  );
}

/** As `Date.parse(text)` (NaN when it cannot be read). */
export function parseIsoTime(text: string): number {
  if (text.length === 24 && dayPrefix !== '' && text.startsWith(dayPrefix)) {
    const within = timeOfDay(text);
    if (within >= 0) return dayStart + within;
  }
  return Date.parse(text);
}
