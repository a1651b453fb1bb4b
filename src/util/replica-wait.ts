import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './redis.js';

/** No replica acknowledged the writes in time: they are on the master only and may be lost. */
export class ReplicationTimeoutError extends Error {
  readonly isReplicationTimeoutError = true;
  constructor(
    readonly acknowledged: number,
    readonly wanted: number,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      `${acknowledged} of ${wanted} replica(s) acknowledged the write within ${timeoutMs} ms`,
      options,
    );
    this.name = 'ReplicationTimeoutError';
  }
}

export function isReplicationTimeoutError(error: unknown): error is ReplicationTimeoutError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { isReplicationTimeoutError?: unknown }).isReplicationTimeoutError === true
  );
}

async function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ReplicaWaitOptions {
  /** Its own connection: WAIT blocks the connection it runs on, so reads elsewhere never queue. */
  redis: RedisClient;
  /**
   * A key in the ladder's slot (on a cluster, the master that holds the jobs). Each confirmation
   * writes it, so that WAIT on this connection covers everything the master did before.
   */
  probeKey: string;
  replicas: number;
  timeoutMs: number;
}

/**
 * Confirms that writes already answered by the master reached `replicas` replicas (WAIT).
 *
 * WAIT only counts the writes of its own connection, but a replica acknowledges an offset of the
 * master's one replication stream: a small write on this connection made after the caller's writes
 * were answered, once acknowledged, proves that theirs are too. That lets one connection confirm
 * the writes of every other (BullMQ's queue, the result Lua scripts).
 *
 * Calls are grouped: while one WAIT is out, the callers that arrive join the next one, so a burst
 * of enqueues costs one round trip to the replica per group, not one each.
 */
export class ReplicaWait {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  private sequence = 0;

  constructor(private readonly options: ReplicaWaitOptions) {}

  /** Resolves once a replica has every write the master answered before this call. */
  confirm(): Promise<void> {
    if (!this.running) {
      this.running = this.round().finally(() => (this.running = undefined));
      return this.running;
    }
    // A WAIT already out may have been sent before our writes were done: join the one after it.
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.confirm();
      });
    return this.next;
  }

  private async round(): Promise<void> {
    const { replicas, timeoutMs, probeKey } = this.options;
    this.sequence += 1;
    let acknowledged: number;
    try {
      // Inside the try: a slot with no master known (mid-failover) is "not confirmed" too.
      const node = await this.nodeFor(probeKey);
      const reply = node
        .pipeline()
        .set(probeKey, String(this.sequence), 'PX', Math.max(60_000, timeoutMs * 2))
        .wait(replicas, timeoutMs)
        .exec();
      // WAIT times out on the server; a master that hangs (or a socket that never closes) must
      // not hold the caller longer than that either.
      const [set, wait] = (await within(reply, timeoutMs + 1_000)) ?? [];
      if (!set || !wait) throw new Error('no reply');
      if (set[0]) throw set[0];
      if (wait[0]) throw wait[0];
      acknowledged = Number(wait[1]);
    } catch (error) {
      // A master that went away or a MOVED slot: nothing was confirmed.
      if (this.options.redis instanceof Cluster) this.options.redis.refreshSlotsCache();
      throw new ReplicationTimeoutError(0, replicas, timeoutMs, { cause: error });
    }
    if (acknowledged < replicas)
      throw new ReplicationTimeoutError(acknowledged, replicas, timeoutMs);
  }

  /** The connection to the master of the probe key's slot (the client itself outside a cluster). */
  private async nodeFor(key: string): Promise<Redis> {
    const client = this.options.redis;
    if (!(client instanceof Cluster)) return client;
    if (client.status !== 'ready') throw new Error(`the cluster connection is ${client.status}`);
    this.slot ??= Number(await client.call('CLUSTER', 'KEYSLOT', key));
    const owner = client.slots[this.slot]?.[0];
    const node = client
      .nodes('master')
      .find((n) => `${n.options.host}:${n.options.port}` === owner);
    if (!node) throw new Error(`no master known for slot ${this.slot}`);
    return node;
  }

  private slot: number | undefined;

  close(): void {
    this.options.redis.disconnect();
  }
}
