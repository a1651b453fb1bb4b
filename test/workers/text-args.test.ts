import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { pack } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buffersAsText } from '../../src/workers/text-args.js';

const fromLatin1 = readFileSync(
  new URL('../../src/workers/lua/from-latin1.lua', import.meta.url),
  'utf8',
);
// The fused scripts' use of it: BullMQ's arguments, the listed ones turned back into bytes.
const script = `${fromLatin1}\nreturn textArgs({ ARGV[1], ARGV[2], ARGV[3] }, ARGV[4])`;

let redis: Redis;
beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
});
afterAll(() => {
  redis.disconnect();
});

/** Sends `args` as the worker does (Buffers as latin1 text) and answers what the script got. */
async function roundTrip(args: unknown[]): Promise<{ positions: string; got: Buffer[] }> {
  const sent = args.slice();
  const positions = buffersAsText(sent, 0, sent.length);
  expect(sent.some((a) => Buffer.isBuffer(a))).toBe(false);
  const got = (await redis.callBuffer('EVAL', [
    script,
    0,
    ...(sent as (string | number)[]),
    positions,
  ])) as Buffer[];
  return { positions, got };
}

describe('binary arguments sent as latin1 text (from-latin1.lua)', () => {
  it('gives the script the very bytes: every byte value, in any neighbourhood', async () => {
    const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const pairs = Buffer.from(
      Array.from({ length: 256 * 4 }, (_, i) => [0xc2, 0xc3, 0x80 + (i % 64), i % 256][i % 4]!),
    );
    const samples = [every, Buffer.from(every).reverse(), pairs, randomBytes(4096)];
    for (const bytes of samples) {
      const { positions, got } = await roundTrip(['text', bytes, 'é and ✓']);
      expect(positions).toBe('2');
      expect(got[1]!.equals(bytes)).toBe(true);
      // A text argument is not decoded: its UTF-8 bytes arrive as they were written.
      expect(got[2]!.toString('utf8')).toBe('é and ✓');
    }
  });

  it("gives BullMQ's script the options as BullMQ packed them", async () => {
    const options = pack({
      token: '5b0e5a0c-4fd4-4a25-8e47-4b1b1f0f6f9e:17',
      name: 'wörker ✓',
      keepJobs: { count: -1 },
      lockDuration: 30_000,
      attempts: 1,
      maxMetricsSize: '',
      fpof: false,
      rdof: true,
    });
    const { positions, got } = await roundTrip([options, Date.now(), options]);
    expect(positions).toBe('1,3');
    expect(got[0]!.equals(options)).toBe(true);
    expect(got[2]!.equals(options)).toBe(true);
  });

  it('lists nothing and changes nothing when no argument is binary', async () => {
    const args: unknown[] = ['a', 1, 'b'];
    expect(buffersAsText(args, 0, 3)).toBe('');
    expect(args).toEqual(['a', 1, 'b']);
  });
});
