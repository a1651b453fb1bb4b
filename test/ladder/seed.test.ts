import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { LadderClient } from '../../src/producer/ladder-client.js';
import { down, ok, type FakeProvider } from '../helpers/fake-provider/server.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import { job } from '../helpers/ladder.js';
import { runLadder } from '../helpers/processes.js';

let fake: FakeProvider;
withFakeProvider((f) => (fake = f));

describe("the seed article's config", () => {
  it('loads unchanged and serves jobs, falling back by priority inside the one LLM level', async () => {
    // The file has no redis, key or base URL settings: everything comes from the usual variables,
    // and the SDKs read their own base-URL variables.
    const worker = runLadder(
      [
        'worker',
        '--config',
        resolve('examples/seed.yaml'),
        '--level',
        'primary',
        '--level',
        'cached',
        '--level',
        'static',
      ],
      {
        REDIS_URL: inject('redisUrl'),
        ANTHROPIC_API_KEY: 'sk-seed-anthropic',
        OPENAI_API_KEY: 'sk-seed-openai',
        GEMINI_API_KEY: 'seed-gemini',
        ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
        OPENAI_BASE_URL: fake.baseUrls.openai,
        GOOGLE_GEMINI_BASE_URL: fake.baseUrls.google,
      },
    );
    const client = new LadderClient({ redis: inject('redisUrl'), prefix: 'ladder' });
    try {
      await worker.waitFor('workers started');
      fake.setDefault('anthropic', 'claude-sonnet-4-20250514', down());
      fake.script('openai', 'gpt-4o', ok('gpt-4o took over'));
      const { id } = await client.enqueue(job('hello from the seed'));
      const result = await client.result(id, { timeoutMs: 15_000 });
      expect(result).toMatchObject({
        status: 'completed',
        level: 1,
        level_name: 'primary',
        provider: 'openai',
        model: 'gpt-4o',
        degraded: false,
      });
      // on_error lists 503 and max_retries is 2: three calls, then the next provider by priority.
      expect(fake.calls('anthropic', 'claude-sonnet-4-20250514')).toBe(3);
      const ladder = await client.ladder();
      expect(ladder.levels.map((l) => l.name)).toEqual(['primary', 'cached', 'static']);
    } finally {
      await client.close();
      worker.child.kill('SIGTERM');
      await worker.exited();
    }
  });
});
