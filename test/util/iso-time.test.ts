import { describe, expect, it } from 'vitest';
import { isoTime, parseIsoTime } from '../../src/util/iso-time.js';

const DAY = 86_400_000;
const MAX = 8.64e15;

/** A deterministic spread of times (no Math.random: a failure must repeat). */
function times(): number[] {
  const out: number[] = [];
  let x = 12345;
  for (let i = 0; i < 5000; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out.push(Math.floor((x / 2 ** 31) * 253_402_300_799_999));
  }
  const now = Date.UTC(2026, 11, 3, 23, 59, 59, 990);
  for (let i = 0; i < 40; i++) out.push(now + i); // across midnight, one ms at a time
  out.push(0, 1, DAY - 1, DAY, 253_402_300_799_999, 253_402_300_800_000, MAX, 951_782_400_000);
  return out;
}

describe('isoTime: as new Date(ms).toISOString()', () => {
  it('answers what the built-in answers, whatever day came before', () => {
    for (const ms of times()) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it('truncates a fraction and takes negative times and far years as the built-in does', () => {
    for (const ms of [1.5, 1_764_720_000_000.999, -1, -DAY - 0.5, -62_198_755_200_000, MAX - 0.5])
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it('throws the RangeError the built-in throws for an invalid time', () => {
    for (const ms of [Number.NaN, Number.POSITIVE_INFINITY, MAX + 1])
      expect(() => isoTime(ms)).toThrow(RangeError);
  });
});

describe('parseIsoTime: as Date.parse', () => {
  it('reads back every time isoTime writes, on the day it last wrote and any other', () => {
    for (const ms of times()) {
      const text = new Date(ms).toISOString();
      isoTime(ms); // the day it keeps is this one's
      expect(parseIsoTime(text)).toBe(Date.parse(text));
      isoTime((ms + DAY * 400) % 253_402_300_799_999); // and now another day's
      expect(parseIsoTime(text)).toBe(Date.parse(text));
    }
  });

  it('leaves anything else to the built-in, invalid or not', () => {
    const day = isoTime(Date.UTC(2026, 11, 3, 12)).slice(0, 11);
    for (const text of [
      `${day}24:00:00.000Z`,
      `${day}23:60:00.000Z`,
      `${day}23:59:60.000Z`,
      `${day}1a:00:00.000Z`,
      `${day}12:00:00.000+`,
      `${day}12:00:00:000Z`,
      `${day}12-00:00.000Z`,
      `${day}12:00:00.000+01:00`,
      `${day}12:00:00Z`,
      `${day}12:00`,
      `${day.slice(0, 10)} 12:00:00.000Z`,
      '',
      'not a time',
    ])
      expect(Object.is(parseIsoTime(text), Date.parse(text))).toBe(true);
  });
});
