import { afterEach, describe, expect, it } from 'vitest';
import { type FakeProvider } from '../helpers/fake-provider/server.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import { job, startTestLadder, testConfig, type TestLadder } from '../helpers/ladder.js';
import { FIVE_LEVELS } from './fixtures.js';

let fake: FakeProvider;
let ladder: TestLadder | undefined;

withFakeProvider((f) => (fake = f));
afterEach(async () => {
  await ladder?.close();
  ladder = undefined;
  fake.reset();
});

describe('complexity routing', () => {
  it('sends simple work to level 3, standard to 2 and complex to 1 by default, without calling the levels above', async () => {
    ladder = await startTestLadder(testConfig(FIVE_LEVELS, fake));
    const served: Record<string, unknown> = {};
    for (const complexity of ['simple', 'standard', 'complex'] as const) {
      const { id, level } = await ladder.ops.enqueue(
        job(`a ${complexity} question`, { complexity }),
      );
      const result = await ladder.ops.result(id, { timeoutMs: 10_000 });
      served[complexity] = [
        level,
        result?.level,
        result?.entry_level,
        result?.provider,
        result?.degraded,
      ];
    }
    expect(served).toEqual({
      simple: [3, 3, 3, 'google', false],
      standard: [2, 2, 2, 'anthropic', false],
      complex: [1, 1, 1, 'anthropic', false],
    });
    expect(fake.calls('anthropic', 'claude-opus-4-7')).toBe(1);
    expect(fake.calls('anthropic', 'claude-sonnet-4-6')).toBe(1);
    expect(fake.calls('google', 'gemini-2.0-flash')).toBe(1);
  });

  it('follows the config map, by level name too', async () => {
    ladder = await startTestLadder(
      testConfig(
        { ...FIVE_LEVELS, complexity: { simple: 'reduced', standard: 'reduced', complex: 'full' } },
        fake,
      ),
    );
    const { id } = await ladder.ops.enqueue(job('cheap please', { complexity: 'simple' }));
    expect(await ladder.ops.result(id, { timeoutMs: 10_000 })).toMatchObject({
      level: 2,
      level_name: 'reduced',
      entry_level: 2,
    });
    expect(fake.calls('google', 'gemini-2.0-flash')).toBe(0);
  });
});
