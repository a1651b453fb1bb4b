import Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach } from 'vitest';
import type { FakeProvider } from '../helpers/fake-provider/server.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import { startRunningLadder, TOKEN, type RunningLadder } from '../openai-compat/running-ladder.js';

/** A Claude agent's ladder: Claude first, an OpenAI model when Claude is out, then static. */
const CLAUDE_FIRST = [
  { name: 'full', targets: ['anthropic/claude-sonnet-4-6'] },
  { name: 'reduced', targets: ['openai/gpt-4o'] },
  { name: 'static', serve: 'static', message: 'Service temporarily limited' },
];

export interface ClaudeLadder {
  fake: FakeProvider;
  running: RunningLadder;
  /** The official SDK pointed at the running ladder. */
  client: Anthropic;
}

/**
 * For a test file: one fake provider for the file, a running ladder and an SDK client per test
 * (`use` is handed them before each), closed and reset after each.
 */
export function useClaudeLadder(use: (ladder: ClaudeLadder) => void): void {
  let fake: FakeProvider | undefined;
  let running: RunningLadder | undefined;
  withFakeProvider((f) => (fake = f));
  beforeEach(async () => {
    if (!fake) throw new Error('the fake provider did not start');
    running = await startRunningLadder(fake, {}, { levels: CLAUDE_FIRST });
    const client = new Anthropic({
      baseURL: running.url,
      apiKey: TOKEN,
      maxRetries: 0,
      timeout: 20_000,
    });
    use({ fake, running, client });
  });
  afterEach(async () => {
    await running?.close();
    fake?.reset();
  });
}
