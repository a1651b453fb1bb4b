import { createMemoryBreakerStore } from '../../src/breaker/memory-breakers.js';
import { describeBreakersContract } from './breakers-contract.js';

describeBreakersContract('memory', async (config) => {
  const shared = createMemoryBreakerStore(config);
  return { store: () => shared, cleanup: async () => undefined };
});
