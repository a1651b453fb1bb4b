import { afterAll, beforeAll } from 'vitest';
import { startFakeProvider, type FakeProvider } from './server.js';

/**
 * A test file's fake provider, started before its tests and closed after them; `use` is handed it
 * once it is up (`let fake: FakeProvider; withFakeProvider((f) => (fake = f));`).
 */
export function withFakeProvider(use: (fake: FakeProvider) => void): void {
  let fake: FakeProvider | undefined;
  beforeAll(async () => {
    fake = await startFakeProvider();
    use(fake);
  });
  afterAll(async () => {
    await fake?.close();
  });
}
