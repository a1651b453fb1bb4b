import { describe, expect, inject, it } from 'vitest';
import type { JobResult } from '../../src/ladder/result.js';
import { LadderClient } from '../../src/producer/ladder-client.js';
import {
  type Behaviour,
  type FakeProvider,
  type FakeProviderName,
} from '../helpers/fake-provider/server.js';
import { crashLines, Fleet } from './fleet.js';
import { JobLedger, taggedJob } from './ledger.js';
import { faultConfig, reportFigures, withFakeProvider } from './setup.js';

let fake: FakeProvider;
withFakeProvider((f) => (fake = f));

const PROVIDERS: { provider: FakeProviderName; model: string; level: number }[] = [
  { provider: 'anthropic', model: 'claude-opus-4-1', level: 1 },
  { provider: 'openai', model: 'gpt-4o', level: 2 },
  { provider: 'google', model: 'gemini-2.0-flash', level: 3 },
];

const LEVELS = [
  { name: 'full', targets: ['anthropic/claude-opus-4-1'] },
  { name: 'reduced', targets: ['openai/gpt-4o'] },
  { name: 'basic', targets: ['google/gemini-2.0-flash'] },
  { name: 'static', serve: 'static', message: 'Service temporarily limited' },
];

/** What each malformed reply must become: a classified error that moves the job on, or an answer that says what it lacked. */
const CASES: {
  name: string;
  behaviour: Behaviour;
  check: (r: JobResult, level: number) => void;
}[] = [
  {
    name: 'invalid JSON body',
    behaviour: { kind: 'malformed' },
    check: (r, level) => {
      expect(r.attempts[0]).toMatchObject({ level, outcome: 'error', class: 'transient' });
      expect(r.attempts[0]?.error).toMatch(/malformed|JSON/i);
      expect(r).toMatchObject({ status: 'completed', degraded: true });
      expect(r.level).toBeGreaterThan(level);
    },
  },
  {
    name: 'empty content',
    behaviour: { kind: 'empty' },
    check: (r, level) => {
      // A reply with nothing in it is still the provider's answer: served as such, said plainly.
      expect(r).toMatchObject({
        status: 'completed',
        level,
        output: { text: '', tool_calls: [], stop_reason: 'end_turn' },
      });
    },
  },
  {
    name: 'unknown stop reason',
    behaviour: { kind: 'unknown_stop', text: 'odd ending' },
    check: (r, level) => {
      expect(r).toMatchObject({ status: 'completed', level, output: { text: 'odd ending' } });
      expect(r.output?.raw_stop_reason).toBeTruthy();
      expect(r.output?.stop_reason).toBe('other');
    },
  },
  {
    name: 'missing usage',
    behaviour: { kind: 'no_usage', text: 'no usage here' },
    check: (r, level) => {
      expect(r).toMatchObject({
        status: 'completed',
        level,
        output: { text: 'no usage here' },
        usage: null,
        cost_usd: null,
      });
    },
  },
  {
    name: 'tool call with invalid JSON arguments',
    behaviour: { kind: 'bad_tool_arguments', name: 'lookup_invoice' },
    check: (r, level) => {
      expect(r.attempts[0]).toMatchObject({ level, outcome: 'error', class: 'transient' });
      expect(r.attempts[0]?.error).toMatch(/argument|JSON|malformed/i);
      expect(r.status).toBe('completed');
      expect(r.level).toBeGreaterThan(level);
    },
  },
];

describe('fault: malformed provider replies', () => {
  it('each malformed reply from each provider is classified and handled, and the worker stays up', async () => {
    const redisUrl = inject('redisUrl');
    const config = faultConfig(redisUrl, fake, {
      levels: LEVELS,
      fallback: { max_retries: 0, base_delay_ms: 5, max_delay_ms: 20 },
    });
    const fleet = new Fleet(config.path);
    await fleet.start({ workers: 1, levels: LEVELS.map((l) => l.name) });
    const client = new LadderClient({ redis: redisUrl, prefix: config.prefix });
    const ledger = await JobLedger.open(redisUrl, config.prefix, fake);
    const outcomes: Record<string, string> = {};
    try {
      for (const target of PROVIDERS) {
        for (const c of CASES) {
          fake.script(target.provider, target.model, c.behaviour);
          const id = `malformed-${target.provider}-${c.name.replace(/\W+/g, '-')}`;
          const { id: accepted } = await client.enqueue(
            taggedJob(id, {
              level: target.level,
              request: {
                messages: [{ role: 'user', content: `[[${id}]]` }],
                tools: [{ name: 'lookup_invoice', input_schema: { type: 'object' } }],
              },
            }),
          );
          ledger.accept(accepted);
          const result = await client.result(accepted, { timeoutMs: 15_000 });
          if (!result) throw new Error(`${id}: no result`);
          outcomes[`${target.provider}: ${c.name}`] =
            `${result.status}@${result.level} ${result.attempts[0]?.class ?? result.output?.stop_reason ?? ''}`;
          try {
            c.check(result, target.level);
          } catch (error) {
            throw new Error(`${target.provider}, ${c.name}: ${JSON.stringify(result)}`, {
              cause: error,
            });
          }
        }
      }
      const report = await ledger.verify();
      reportFigures('malformed-replies', { jobs: report.accepted, outcomes });
      expect(report.problems).toEqual([]);
      expect(fleet.live()).toHaveLength(1);
      expect(crashLines(fleet.output())).toEqual([]);
    } finally {
      await client.close();
      await ledger.close();
      await fleet.stopAll();
      fake.reset();
    }
  });
});
