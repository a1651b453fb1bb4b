import type { RedisClient } from '../util/redis.js';

export type StreamEntry = [id: string, fields: string[]];

interface Subscription {
  key: string;
  lastId: string;
  onEntries: (entries: StreamEntry[]) => void;
}

/** Orders Redis Stream ids (`<ms>-<seq>`). */
export function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

/** Entries per read; a reader further behind catches up over several reads. */
const READ_COUNT = 500;
/** Longest block; a new subscription interrupts it (CLIENT UNBLOCK), so this only bounds idling. */
const BLOCK_MS = 2_000;
/** UNBLOCKs 2 ms apart while the XREAD to interrupt has not reached Redis (a loaded machine). */
const UNBLOCK_RETRIES = 25;

/**
 * Every live reader of this process on one blocking connection: one XREAD BLOCK over all their
 * streams, re-issued when a reader joins. A connection per reader would cost hundreds of Redis
 * connections for hundreds of open streams.
 */
export class StreamHub {
  private readonly subs = new Set<Subscription>();
  private running = false;
  private clientId: number | null = null;
  /** Counts the XREADs issued; `blocked` is the one in flight, if any. */
  private issued = 0;
  private blocked: number | null = null;
  /** The XREAD an UNBLOCK was sent for: a burst of new readers sends one, not one each. */
  private unblocking: number | null = null;
  private wake: (() => void) | null = null;
  private closed = false;

  /** `blocking` is dedicated to the hub; `command` sends the CLIENT UNBLOCK. */
  constructor(
    private readonly blocking: RedisClient,
    private readonly command: RedisClient,
  ) {}

  /** Delivers entries of `key` after `afterId`, in order, until the returned function is called. */
  subscribe(key: string, afterId: string, onEntries: (entries: StreamEntry[]) => void): () => void {
    const sub: Subscription = { key, lastId: afterId, onEntries };
    this.subs.add(sub);
    this.interrupt();
    if (!this.running) void this.loop();
    return () => {
      this.subs.delete(sub);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subs.clear();
    this.interrupt();
  }

  private interrupt(): void {
    this.wake?.();
    const read = this.blocked;
    const clientId = this.clientId;
    if (read === null || clientId === null || this.unblocking === read) return;
    this.unblocking = read;
    // The XREAD may not have reached Redis yet (two connections): 0 means "not blocked", so try
    // again while that same read is still out; once it returns, the next one covers every reader.
    const unblock = (retries: number): void => {
      void this.command
        .client('UNBLOCK', clientId)
        .then((done) => {
          if (Number(done) === 0 && retries > 0 && this.blocked === read)
            setTimeout(() => unblock(retries - 1), 2);
        })
        .catch(() => undefined);
    };
    unblock(UNBLOCK_RETRIES);
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      this.clientId = Number(await this.blocking.client('ID'));
      while (!this.closed) {
        if (this.subs.size === 0) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = null;
          continue;
        }
        const subs = [...this.subs];
        const read = ++this.issued;
        this.blocked = read;
        let reply: Array<[string, StreamEntry[]]> | null;
        try {
          reply = await this.blocking.xread(
            'COUNT',
            READ_COUNT,
            'BLOCK',
            BLOCK_MS,
            'STREAMS',
            ...subs.map((s) => s.key),
            ...subs.map((s) => s.lastId),
          );
        } finally {
          this.blocked = null;
        }
        if (reply) this.deliver(reply);
      }
    } catch {
      // The connection failed or closed: readers notice through their own checks (see reader.ts).
    } finally {
      this.running = false;
      if (!this.closed && this.subs.size > 0) setTimeout(() => void this.loop(), 500);
    }
  }

  /** One key may appear several times (one per reader): merge its entries, then hand them out. */
  private deliver(reply: Array<[string, StreamEntry[]]>): void {
    const byKey = new Map<string, Map<string, string[]>>();
    for (const [key, entries] of reply) {
      const merged = byKey.get(key) ?? new Map<string, string[]>();
      for (const [id, fields] of entries) merged.set(id, fields);
      byKey.set(key, merged);
    }
    for (const sub of this.subs) {
      const merged = byKey.get(sub.key);
      if (!merged) continue;
      const fresh = [...merged]
        .filter(([id]) => compareIds(id, sub.lastId) > 0)
        .sort(([a], [b]) => compareIds(a, b));
      const last = fresh[fresh.length - 1];
      if (!last) continue;
      sub.lastId = last[0];
      sub.onEntries(fresh);
    }
  }
}
