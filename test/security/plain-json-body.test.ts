import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

interface Answer {
  status: number;
  body: string;
  logged: unknown[];
}

/** One POST; `chunked` sends the body without a Content-Length. */
function post(
  path: string,
  headers: Record<string, string>,
  body: Buffer,
  chunked = false,
): Promise<Answer> {
  lines.length = 0;
  return new Promise<Answer>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: api.port,
        method: 'POST',
        path,
        headers: { ...bearer(), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks)
              .toString('utf8')
              .replace(/job-\d+-x/g, 'job-N-x'),
            logged: lines.map(({ status, reason, msg, path: p }) => ({ status, reason, msg, p })),
          }),
        );
      },
    );
    req.on('error', reject);
    if (chunked) {
      req.write(body.subarray(0, 1));
      req.end(body.subarray(1));
    } else req.end(body);
  });
}

const job = JSON.stringify(validJob());
const BODIES: Array<[string, Buffer]> = [
  ['a job', Buffer.from(job)],
  ['a job after a BOM', Buffer.from(`\ufeff${job}`)],
  ['a job in whitespace', Buffer.from(`\r\n\t ${job} \n`)],
  ['an empty body', Buffer.alloc(0)],
  ['only a BOM', Buffer.from('\ufeff')],
  ['only whitespace', Buffer.from('  \n')],
  ['a JSON string', Buffer.from('"job"')],
  ['a JSON number', Buffer.from(' 42')],
  ['cut JSON', Buffer.from(job.slice(0, 30))],
  ['JSON with trailing bytes', Buffer.from(`${job}x`)],
  ['not UTF-8', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d])],
  ['nested too deep', Buffer.from(`${'['.repeat(100)}${']'.repeat(100)}`)],
  ['an invalid job', Buffer.from('{"request":{"messages":[]}}')],
  ['an array', Buffer.from('[]')],
];

/**
 * A plain JSON body (no Content-Encoding, a Content-Length) is read by plain-json-body.ts; the same
 * bytes sent chunked, or with `Content-Encoding: identity`, go through body-parser. Every answer,
 * and every log line, must be the same both ways, on the ladder's routes and OpenAI's.
 */
describe('security: plain JSON bodies are read as body-parser reads them', () => {
  for (const path of ['/v1/jobs', '/v1/chat/completions']) {
    it.each(BODIES)(`${path}: %s`, async (_name, body) => {
      const type = { 'content-type': 'application/json' };
      const plain = await post(path, type, body);
      const identity = await post(path, { ...type, 'content-encoding': 'identity' }, body);
      const chunked = await post(path, type, body, true);
      expect(plain).toEqual(identity);
      expect(plain).toEqual(chunked);
    });
  }

  it.each([
    'application/json; charset=utf-8',
    'application/json;charset=UTF-8',
    'Application/JSON',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
  ])('Content-Type %s: the same answer both ways', async (type) => {
    const body = Buffer.from(job);
    const plain = await post('/v1/jobs', { 'content-type': type }, body);
    const chunked = await post('/v1/jobs', { 'content-type': type }, body, true);
    expect(plain).toEqual(chunked);
  });

  it.each([
    ['plain', 'content-length: 100'],
    ['chunked', 'transfer-encoding: chunked'],
  ])('a client gone mid-body (%s): one log line, request.aborted', async (_name, framing) => {
    lines.length = 0;
    const socket = connect(api.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /v1/jobs HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: ${bearer().Authorization}\r\n` +
        `content-type: application/json\r\n${framing}\r\n\r\n`,
    );
    const part = framing.startsWith('content') ? '{"request"' : 'a\r\n{"request"\r\n';
    await new Promise((resolve) => socket.write(part, resolve));
    // The bytes sent arrive before the close: the server sees a request cut short.
    socket.destroy();
    await expect
      .poll(() => lines.map(({ msg, reason, status }) => ({ msg, reason, status })))
      .toEqual([{ msg: 'request body refused', reason: 'request.aborted', status: 400 }]);
  });
});
