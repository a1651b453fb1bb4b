import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeLadderOps } from '../api/fake-ops.js';
import { bearer, capturedLogs, startApi, validJob, type RunningApi } from '../api/harness.js';

/** Every log line the API writes, parsed. */
const { lines, logger } = capturedLogs();

const ops = new FakeLadderOps();
let api: RunningApi;
beforeAll(async () => {
  api = await startApi({ ops, logger });
});
afterAll(async () => api.close());
beforeEach(() => {
  lines.length = 0;
});

const json = Buffer.from(JSON.stringify(validJob()));

async function post(
  path: string,
  body: Buffer,
  encoding: string,
): Promise<{ status: number; body: { error: Record<string, unknown> } }> {
  const response = await fetch(api.url + path, {
    method: 'POST',
    headers: { ...bearer(), 'Content-Type': 'application/json', 'Content-Encoding': encoding },
    body,
  });
  return {
    status: response.status,
    body: (await response.json()) as { error: Record<string, unknown> },
  };
}

describe('security: a body that does not match its Content-Encoding is the client fault', () => {
  it.each([
    ['gzip', json],
    ['gzip', gzipSync(json).subarray(0, 20)],
    ['deflate', json],
    ['br', Buffer.from('not brotli at all, not even close')],
    ['gzip', deflateSync(json)],
  ])(
    'Content-Encoding %s with other bytes: 400 naming the encoding, one log line',
    async (enc, bytes) => {
      for (const path of ['/v1/jobs', '/v1/chat/completions']) {
        const answer = await post(path, bytes, enc);
        expect(answer.status, path).toBe(400);
        expect(answer.body.error.message).toMatch(/Content-Encoding/);
      }
      expect(lines).toHaveLength(2);
      for (const line of lines) {
        expect(line).toMatchObject({ level: 30, msg: 'request body refused', status: 400 });
        expect(JSON.stringify(line)).not.toMatch(/stack| {4}at /);
      }
    },
  );

  it('an encoding it does not know: 415', async () => {
    const answer = await post('/v1/jobs', json, 'compress');
    expect(answer.status).toBe(415);
    expect(answer.body.error.message).toMatch(/Content-Encoding/);
    expect(lines).toEqual([expect.objectContaining({ status: 415 })]);
  });

  it.each([
    ['gzip', gzipSync(json)],
    ['deflate', deflateSync(json)],
    ['br', brotliCompressSync(json)],
    ['identity', json],
  ])('a body that does match %s is read', async (enc, bytes) => {
    expect((await post('/v1/jobs', bytes, enc)).status).toBe(202);
    expect(lines).toEqual([]);
  });
});
