import { describe, expect, it } from 'vitest';
import { addOptions } from './queues.js';
import { agentOf, FAIR_SPAN, FairShare } from './fair-share.js';

describe('FairShare', () => {
  it("numbers a burst 0, 1, 2, … and gives another agent's first job 0", () => {
    let now = 1_000_000;
    const fair = new FairShare(() => now);
    const burst = Array.from({ length: 5 }, () => fair.offset('full', 'a'));
    expect(burst).toEqual([0, 1, 2, 3, 4]);
    expect(fair.offset('full', 'b')).toBe(0);
    expect(fair.offset('reduced', 'a')).toBe(0); // levels are queues of their own
    now += 2_500; // two and a half slots later the burst's clock is 2.5 slots ahead, not 5
    expect(fair.offset('full', 'a')).toBe(2);
  });

  it('gives 0 to an agent that sends no faster than one job a slot, and caps a long burst', () => {
    let now = 0;
    const fair = new FairShare(() => now, 100);
    for (let i = 0; i < 10; i++) {
      expect(fair.offset('full', 'steady')).toBe(0);
      now += 100;
    }
    const offsets = Array.from({ length: FAIR_SPAN + 10 }, () => fair.offset('full', 'flood'));
    expect(offsets.at(-1)).toBe(FAIR_SPAN - 1);
    expect(offsets).toEqual([...offsets].sort((x, y) => x - y)); // an agent's own order is kept
  });

  it('an agent is metadata.agent, else everyone without one together', () => {
    expect(agentOf({ metadata: { agent: 'billing-bot' } })).toBe('billing-bot');
    expect(agentOf({ metadata: { trace: 'x' } })).toBe('');
    expect(agentOf({})).toBe('');
  });
});

describe('addOptions', () => {
  it('puts the job priority first and the fair offset second, within BullMQ’s limit', () => {
    const urgentLate = addOptions('u', { priority: 1 }, FAIR_SPAN - 1).priority;
    const normalEarly = addOptions('n', {}, 0).priority;
    const normalLate = addOptions('n2', { priority: 500 }, 7).priority;
    expect(urgentLate).toBeLessThan(normalEarly);
    expect(normalEarly).toBeLessThan(normalLate);
    expect(addOptions('x', { priority: 1000 }, 10_000).priority).toBeLessThanOrEqual(2 ** 21);
    expect(addOptions('x', { priority: 1000 }, 10_000).priority).toBe(
      1000 * FAIR_SPAN + FAIR_SPAN - 1,
    );
  });
});
