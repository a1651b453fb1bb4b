/**
 * One SDK call against the in-process fake provider, on Node's global fetch and on the ladder's
 * undici-based fetch (src/providers/http/sdk-fetch.ts), alternating: wall time and process CPU per
 * call (the fake provider's own CPU is in both). Not a scenario of bench/run.ts: it has no ladder side.
 *
 *   node --import tsx bench/sdk-http-micro.ts            # N=1000 calls, REPS=4, DELAY=0 ms
 *   N=500 REPS=6 ONLY=openai,openai-stream node --import tsx bench/sdk-http-micro.ts
 */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { makeSdkFetch } from '../src/providers/http/sdk-fetch.js';
import { ok, startFakeProvider } from '../test/helpers/fake-provider/server.js';

const N = Number(process.env.N ?? 1000);
const REPS = Number(process.env.REPS ?? 4);
const DELAY_MS = Number(process.env.DELAY ?? 0);
const ONLY = process.env.ONLY?.split(',');
const KINDS = ['global', 'undici'] as const;
type Kind = (typeof KINDS)[number];
type Call = () => Promise<unknown>;

const fake = await startFakeProvider();
for (const p of ['openai', 'anthropic', 'google'] as const)
  fake.setDefault(p, '*', { ...ok('A short answer.'), delayMs: DELAY_MS });

const USER = [{ role: 'user' as const, content: 'hi' }];

function calls(kind: Kind): Map<string, Call> {
  const fetch = kind === 'undici' ? { fetch: makeSdkFetch() } : {};
  const openai = new OpenAI({
    apiKey: 'k',
    baseURL: fake.baseUrls.openai,
    maxRetries: 0,
    ...fetch,
  });
  const anthropic = new Anthropic({
    apiKey: 'k',
    baseURL: fake.baseUrls.anthropic,
    maxRetries: 0,
    ...fetch,
  });
  const google = new GoogleGenAI({
    apiKey: 'k',
    vertexai: false,
    httpOptions: {
      baseUrl: fake.baseUrls.google,
      timeout: 10_000,
      ...(kind === 'undici' ? { fetch: makeSdkFetch({ noUndiciTimeouts: true }) } : {}),
    },
  });
  const options = { timeout: 10_000 };
  return new Map<string, Call>([
    [
      'openai',
      () => openai.chat.completions.create({ model: 'm', messages: USER }, options).withResponse(),
    ],
    [
      'anthropic',
      () =>
        anthropic.messages
          .create({ model: 'm', max_tokens: 10, messages: USER }, options)
          .withResponse(),
    ],
    ['google', () => google.models.generateContent({ model: 'm', contents: 'hi' })],
    [
      'openai-stream',
      async () => {
        const stream = await openai.chat.completions.create(
          { model: 'm', messages: USER, stream: true },
          options,
        );
        for await (const chunk of stream) void chunk;
      },
    ],
  ]);
}

const sets: Record<Kind, Map<string, Call>> = { global: calls('global'), undici: calls('undici') };
const fixed = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(' ');
for (const name of sets.global.keys()) {
  if (ONLY && !ONLY.includes(name)) continue;
  const rows: Record<Kind, { wall: number[]; cpu: number[] }> = {
    global: { wall: [], cpu: [] },
    undici: { wall: [], cpu: [] },
  };
  // Warm both (connections, JIT) before measuring.
  for (const kind of KINDS) for (let i = 0; i < 200; i++) await sets[kind].get(name)?.();
  for (let rep = 0; rep < REPS; rep++) {
    for (const kind of rep % 2 === 0 ? KINDS : [...KINDS].reverse()) {
      const call = sets[kind].get(name);
      if (!call) continue;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < N; i++) await call();
      const cpu = process.cpuUsage(cpu0);
      rows[kind].wall.push((performance.now() - t0) / N);
      rows[kind].cpu.push((cpu.user + cpu.system) / 1000 / N);
    }
  }
  for (const kind of KINDS)
    console.log(
      `${`${name} ${kind}`.padEnd(22)} wall ms/call: ${fixed(rows[kind].wall)}   cpu ms/call: ${fixed(rows[kind].cpu)}`,
    );
}
await fake.close();
