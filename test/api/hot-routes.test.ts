import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeLadderOps } from './fake-ops.js';
import {
  bearer,
  rawRequest,
  startApi,
  validJob,
  type RawAnswer,
  type RunningApi,
} from './harness.js';

const send = (port: number, path: string, headers: Record<string, string>, body?: Buffer) =>
  rawRequest(port, 'POST', path, headers, body);

/** What may differ between two answers to the same request: the job's id and what follows from it. */
function comparable(answer: RawAnswer): RawAnswer {
  const headers = { ...answer.headers };
  for (const name of ['date', 'etag', 'content-length']) {
    expect(typeof headers[name] === 'string' || name === 'etag').toBe(true);
    delete headers[name];
  }
  // Job ids, and the times in a record or a completion.
  const ids = (text: string): string =>
    text
      .replace(/job-\d+-x/g, 'job-N-x')
      .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T')
      .replace(/"(created|[a-z_]+_ms)":\d+/g, '"$1":0');
  for (const name of ['location', 'x-ladder-job-id'])
    if (typeof headers[name] === 'string') headers[name] = ids(headers[name]);
  return { status: answer.status, headers, body: ids(answer.body) };
}

const json = { ...bearer(), 'content-type': 'application/json' };
const job = Buffer.from(JSON.stringify(validJob()));

/**
 * `POST /v1/jobs` and `/v1/chat/completions` are served by the hot lane (hot-routes.ts), and any
 * other spelling of them (`/v1/jobs/`, `/V1/JOBS`) by the router: the same request must get the
 * same answer both ways.
 */
const CASES: Array<{
  name: string;
  headers: Record<string, string>;
  body?: Buffer;
  query?: string;
}> = [
  { name: 'a valid job', headers: json, body: job },
  { name: 'a valid job with ?wait', headers: json, body: job, query: '?wait=0.01' },
  { name: 'a bad ?wait', headers: json, body: job, query: '?wait=soon' },
  { name: 'an invalid job', headers: json, body: Buffer.from('{"request":{}}') },
  { name: 'not JSON', headers: json, body: Buffer.from('{"request":') },
  { name: 'a JSON string', headers: json, body: Buffer.from('"job"') },
  { name: 'an empty body', headers: json, body: Buffer.alloc(0) },
  { name: 'no body at all', headers: json },
  { name: 'text/plain', headers: { ...bearer(), 'content-type': 'text/plain' }, body: job },
  { name: 'no token', headers: { 'content-type': 'application/json' }, body: job },
  { name: 'a wrong token', headers: { ...json, ...bearer('nope') }, body: job },
  { name: 'a foreign Origin', headers: { ...json, origin: 'http://evil.example' }, body: job },
  { name: 'too large', headers: json, body: Buffer.from(`{"x":"${'a'.repeat(70_000)}"}`) },
  { name: 'gzip', headers: { ...json, 'content-encoding': 'gzip' }, body: gzipSync(job) },
  { name: 'a bad gzip', headers: { ...json, 'content-encoding': 'gzip' }, body: job },
  { name: 'compress', headers: { ...json, 'content-encoding': 'compress' }, body: job },
  { name: 'latin-1', headers: { ...json, 'content-type': 'application/json; charset=latin1' } },
  { name: 'not UTF-8', headers: json, body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]) },
  { name: 'nested deep', headers: json, body: Buffer.from('['.repeat(200)) },
];

/** Jobs finish as they are enqueued, so a chat completion answers at once. */
class AnsweringOps extends FakeLadderOps {
  override async enqueue(job: unknown): ReturnType<FakeLadderOps['enqueue']> {
    const answer = await super.enqueue(job);
    this.finish(answer.id);
    return answer;
  }
}

const chat = Buffer.from(
  JSON.stringify({
    model: 'ladder',
    messages: [{ role: 'user', content: 'Summarise invoice 42' }],
  }),
);

const CHAT_CASES: typeof CASES = [
  { name: 'a valid request', headers: json, body: chat },
  { name: 'no model', headers: json, body: Buffer.from('{"messages":[]}') },
  { name: 'not JSON', headers: json, body: Buffer.from('{"model":') },
  { name: 'text/plain', headers: { ...bearer(), 'content-type': 'text/plain' }, body: chat },
  { name: 'no token', headers: { 'content-type': 'application/json' }, body: chat },
  { name: 'a foreign Origin', headers: { ...json, origin: 'http://evil.example' }, body: chat },
  { name: 'a bad deadline', headers: { ...json, 'x-ladder-deadline-ms': 'soon' }, body: chat },
  { name: 'a bad gzip', headers: { ...json, 'content-encoding': 'gzip' }, body: chat },
];

describe('the hot lane answers as the router does', () => {
  const ops = new AnsweringOps();
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi({ ops });
  });
  afterAll(async () => api.close());

  const sameAnswers = async (path: string, c: (typeof CASES)[number]): Promise<void> => {
    const { headers, body, query = '' } = c;
    const hot = await send(api.port, `${path}${query}`, headers, body);
    const routed = await send(api.port, `${path}/${query}`, headers, body);
    const shouted = await send(api.port, `${path.toUpperCase()}${query}`, headers, body);
    expect(comparable(hot)).toEqual(comparable(routed));
    expect(comparable(hot)).toEqual(comparable(shouted));
  };

  it.each(CASES)('POST /v1/jobs: $name', (c) => sameAnswers('/v1/jobs', c));
  it.each(CHAT_CASES)('POST /v1/chat/completions: $name', (c) =>
    sameAnswers('/v1/chat/completions', c),
  );
});
