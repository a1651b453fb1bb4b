/**
 * The bare baseline for `POST /v1/jobs`: Express (the ladder's version) parsing JSON and adding
 * the body to a BullMQ queue with `queue.add`, answering 202 with the id; no validation, no result
 * record, no auth. Usage: bare-api.ts <redis-url> <prefix> <port>
 */
import { Queue } from 'bullmq';
import express from 'express';
import { Redis } from 'ioredis';

const [url, prefix, portArg] = process.argv.slice(2);
if (!url || !prefix || !portArg) {
  console.error('usage: bare-api.ts <redis-url> <prefix> <port>');
  process.exit(2);
}

const connection = new Redis(url, { maxRetriesPerRequest: null });
const queue = new Queue('bare', { connection, prefix });
const app = express();
app.use(express.json({ limit: '1mb' }));
app.post('/v1/jobs', async (req, res) => {
  const job = await queue.add('completion', req.body as object);
  res.status(202).json({ id: job.id, status: 'queued' });
});
app.get('/readyz', (_req, res) => {
  res.json({ ok: true });
});
// The liveness probe the http scenario times while POST /v1/jobs is loaded, as on the ladder's API.
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
const server = app.listen(Number(portArg), '127.0.0.1');

const shutdown = (): void => {
  server.close();
  void queue.close().then(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
