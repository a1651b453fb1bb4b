import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from '../util/redis.js';

/** The part of ioredis's (private) cluster subscriber this reads: its current connection. */
interface ClusterSubscriberLike {
  getInstance(): Redis | null;
}

/** ioredis's cluster subscriber, when this version of ioredis has it where it had it so far. */
function clusterSubscriber(cluster: Cluster): ClusterSubscriberLike | undefined {
  const found: unknown = Reflect.get(cluster, 'subscriber');
  if (typeof found !== 'object' || found === null) return undefined;
  return typeof Reflect.get(found, 'getInstance') === 'function'
    ? (found as ClusterSubscriberLike)
    : undefined;
}

/**
 * Channels subscribed on one connection, and `onResubscribed` called each time they are subscribed
 * again after that connection was lost. ioredis subscribes again on its own, but what was published
 * while the connection was down is gone for good: whoever waited on it must read again.
 *
 * `onResubscribed` runs only once this connection's own SUBSCRIBE, sent behind ioredis's, is
 * answered: from then on every announcement reaches the connection, so a read made after the call
 * misses nothing.
 *
 * A single server (or Sentinel's master) reconnects the same client: 'ready' says so. A Redis
 * Cluster subscribes on a connection of its own to one node, which ioredis replaces (another node,
 * no event on the cluster) when it ends; that connection is watched for its 'end', and the cluster
 * for the events after which it may have been replaced.
 */
export class ChannelSubscription {
  private first: Promise<unknown> | undefined;
  /** The first SUBSCRIBE was answered: only a later loss of the connection needs a read again. */
  private live = false;
  private closed = false;
  /** The cluster's subscriber connection last seen, and the listener put on it. */
  private watched: Redis | null = null;
  private readonly cluster: ClusterSubscriberLike | undefined;

  constructor(
    private readonly subscriber: RedisClient,
    private readonly channels: readonly string[],
    private readonly onResubscribed: () => void,
  ) {
    this.cluster = subscriber instanceof Cluster ? clusterSubscriber(subscriber) : undefined;
    if (this.cluster) {
      // After these the cluster may have picked another subscriber connection; checked once
      // every listener of the event ran (ioredis picks it in one of them).
      for (const event of ['ready', '+node', '-node'])
        subscriber.on(event, () => setImmediate(() => this.checkClusterConnection()));
    } else {
      subscriber.on('ready', () => {
        if (this.live) this.again();
      });
    }
  }

  /** Subscribes once; resolves when the channels are subscribed. */
  subscribe(): Promise<unknown> {
    this.first ??= this.subscriber.subscribe(...this.channels).then((count) => {
      this.live = true;
      if (this.cluster) this.watched = this.watch(this.cluster.getInstance());
      return count;
    });
    return this.first;
  }

  close(): void {
    this.closed = true;
  }

  private checkClusterConnection(): void {
    if (!this.live || this.closed || !this.cluster) return;
    const now = this.cluster.getInstance();
    if (now === null || now === this.watched) return;
    this.watched = this.watch(now);
    this.again();
  }

  private watch(connection: Redis | null): Redis | null {
    connection?.once('end', () => setImmediate(() => this.checkClusterConnection()));
    return connection;
  }

  private again(): void {
    if (this.closed) return;
    this.subscriber.subscribe(...this.channels).then(
      () => {
        if (!this.closed) this.onResubscribed();
      },
      // The connection went again before answering: its next 'ready' (or replacement) retries.
      () => undefined,
    );
  }
}
