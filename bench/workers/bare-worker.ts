/**
 * Bare BullMQ worker for the bench: a no-op processor, BullMQ defaults otherwise, the same
 * connection settings a worker needs. Usage: bare-worker.ts <redis-url> <prefix> <queue> <concurrency> [delay-ms]
 * (a delay stands in for a provider's latency, to compare with the simulated provider's).
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const [url, prefix, queueName, concurrencyArg, delayArg] = process.argv.slice(2);
const delayMs = Number(delayArg ?? 0);
if (!url || !prefix || !queueName || !concurrencyArg) {
  console.error('usage: bare-worker.ts <redis-url> <prefix> <queue> <concurrency>');
  process.exit(2);
}

const connection = new Redis(url, { maxRetriesPerRequest: null });
const processor =
  delayMs > 0
    ? () => new Promise<void>((resolve) => setTimeout(resolve, delayMs))
    : async () => undefined;
const worker = new Worker(queueName, processor, {
  connection,
  prefix,
  concurrency: Number(concurrencyArg),
});
worker.on('error', (error) => console.error(`bare worker error: ${error.message}`));

const shutdown = (): void => {
  void worker
    .close()
    .then(() => connection.quit())
    .finally(() => process.exit(0));
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
