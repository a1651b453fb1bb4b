import { randomUUID } from 'node:crypto';

/** A fresh key prefix per measurement, so runs never see each other's jobs, records or breakers. */
export function benchPrefix(tag: string): string {
  return `bench-${tag}-${randomUUID().slice(0, 8)}`;
}

export const BENCH_TOKEN = 'bench-token';

/** A one-level ladder served by the simulated provider: the ladder's own overhead, nothing else. */
export function simulatedLadder(input: {
  url: string;
  prefix: string;
  latencyMs: number;
  concurrency: number;
}): Record<string, unknown> {
  return {
    redis: { url: input.url, prefix: input.prefix },
    providers: { simulated: { latency_ms: input.latencyMs, failure_rate: 0 } },
    levels: [{ name: 'full', targets: ['simulated/m'] }],
    worker: { concurrency: input.concurrency },
    api: { tokens: [BENCH_TOKEN] },
  };
}

/** The job every scenario sends, on both sides (bare jobs carry the same data, so payloads match). */
export function benchJob(i: number): {
  request: { messages: { role: 'user'; content: string }[]; max_tokens: number };
} {
  return {
    request: {
      messages: [{ role: 'user', content: `bench job ${i}: summarise invoice ${i % 997}` }],
      max_tokens: 64,
    },
  };
}
