import { describe, expect, it } from 'vitest';
import { isRedisUnavailable } from './redis-unavailable.js';

describe('isRedisUnavailable', () => {
  it.each([
    'Connection is closed.',
    'connect ECONNREFUSED 127.0.0.1:6379',
    "Stream isn't writeable and enableOfflineQueue options is false",
    'Reached the max retries per request limit (which is 1). Refer to "maxRetriesPerRequest" option for details.',
    "Cluster isn't ready and enableOfflineQueue options is false",
    // What ioredis's Cluster threw from an enqueue while a killed master's slot had no master yet.
    'Too many Cluster redirections. Last error: ReplyError: CLUSTERDOWN The cluster is down',
    'CLUSTERDOWN Hash slot not served',
    'TRYAGAIN Multiple keys request during rehashing of slot',
    'Failed to refresh slots cache.',
    'None of startup nodes is available',
    'LOADING Redis is loading the dataset in memory',
    "READONLY You can't write against a read only replica.",
  ])('%s: unavailable', (message) => {
    expect(isRedisUnavailable(new Error(message))).toBe(true);
  });

  it.each([
    'ERR unknown command',
    'WRONGTYPE Operation against a key holding the wrong kind of value',
    'NOSCRIPT No matching script',
    'ERR Error running script: bad argument',
  ])('%s: a real error', (message) => {
    expect(isRedisUnavailable(new Error(message))).toBe(false);
  });
});
