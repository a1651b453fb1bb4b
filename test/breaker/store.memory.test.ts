import { createMemoryBreakerStore } from '../../src/breaker/memory-breakers.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('memory', async (config) => createMemoryBreakerStore(config));
