import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { componentLogger, createLogger } from './log.js';

function capture(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}

/** Each top-level key of a JSON line, as often as it occurs in the text (JSON.parse hides repeats). */
function keyCounts(line: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of line.matchAll(/[{,]"([a-z_]+)":/g)) {
    const key = m[1] ?? '';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('log lines', () => {
  it('carry each key once: the process, the component of a part, and the provider target apart', async () => {
    const { stream, lines } = capture();
    const worker = createLogger('worker', 'info', stream);
    componentLogger(worker, 'breaker').warn(
      { provider_target: 'openai/gpt-4o', from: 'closed', to: 'open' },
      'breaker opened',
    );
    worker.info({ job_id: 'j1' }, 'job served');
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(2);
    const [breaker, job] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(breaker).toMatchObject({
      process: 'worker',
      component: 'breaker',
      provider_target: 'openai/gpt-4o',
      level: 'warn',
    });
    expect(job).toMatchObject({ process: 'worker', job_id: 'j1' });
    for (const line of lines)
      expect(
        Object.values(keyCounts(line)).every((n) => n === 1),
        line,
      ).toBe(true);
  });

  it('redact API keys and tokens', async () => {
    const { stream, lines } = capture();
    createLogger('api', 'info', stream).info({ api_key: 'sk-secret', token: 't0ken' }, 'x');
    await new Promise((r) => setImmediate(r));
    expect(lines[0]).not.toMatch(/sk-secret|t0ken/);
  });
});
