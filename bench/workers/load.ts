/**
 * HTTP load generator for the bench, in a process of its own so it does not share a CPU with what
 * it measures: autocannon POSTs one small job body to a URL for a while and prints one JSON line.
 * Usage: load.ts <url> <connections> <seconds> <bearer-token>
 */
import autocannon from 'autocannon';

const [url, connectionsArg, secondsArg, token] = process.argv.slice(2);
if (!url || !connectionsArg || !secondsArg || !token) {
  console.error('usage: load.ts <url> <connections> <seconds> <bearer-token>');
  process.exit(2);
}

const body = JSON.stringify({
  request: { messages: [{ role: 'user', content: 'Summarise invoice 42 in one line.' }] },
  metadata: { agent: 'bench' },
});

const result = await autocannon({
  url,
  method: 'POST',
  connections: Number(connectionsArg),
  duration: Number(secondsArg),
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body,
});
console.log(
  JSON.stringify({
    perSecond: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  }),
);
