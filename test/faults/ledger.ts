import { Redis } from 'ioredis';
import { createKeys } from '../../src/ladder/keys.js';
import { isFinal, type JobResult } from '../../src/ladder/result.js';
import { RedisResultStore } from '../../src/results/redis-result-store.js';
import { isFinalRecord, type ResultStore } from '../../src/results/result-store.js';
import type { RedisClient } from '../../src/util/redis.js';
import type { FakeProvider } from '../helpers/fake-provider/server.js';

/** Job ids travel in the prompt as `[[id]]`, so each fake provider call names its job. */
const TAG = /\[\[([A-Za-z0-9_.@=+-]+)\]\]/;

export function taggedJob(
  id: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    request: { messages: [{ role: 'user', content: `[[${id}]] answer briefly` }], max_tokens: 32 },
    ...extra,
  };
}

/** Provider calls per job id, from the bodies the fake provider received. */
export function callsByJob(fake: FakeProvider): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of fake.requests()) {
    const id = TAG.exec(request.rawBody)?.[1];
    if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** The targets (`provider/model`) of one job's calls, in the order the fake provider read them. */
function targetsCalled(fake: FakeProvider, id: string): string[] {
  return fake
    .requests()
    .filter((r) => TAG.exec(r.rawBody)?.[1] === id)
    .map((r) => `${r.provider}/${r.model}`);
}

/**
 * Calls read by the fake provider after a job's result was announced that its final record does
 * not account for. The fake reads a request when this (often starved) process gets round to it,
 * not when the worker sent it: a call the worker gave up on without a reply (its timeout, its
 * deadline, a reset) and then wrote the final record after is in that record, sent before it,
 * and may still be read after the announcement. Any other call read late is one made after the
 * result was final. (A call that got a reply was read before the reply, so before the record.)
 */
function callsAfterFinal(record: JobResult, late: string[]): number {
  const unanswered = new Map<string, number>();
  for (const a of record.attempts) {
    if (a.outcome !== 'error' || !a.provider || (a.status ?? null) !== null) continue;
    const target = `${a.provider}/${a.model}`;
    unanswered.set(target, (unanswered.get(target) ?? 0) + 1);
  }
  let after = 0;
  for (const target of late) {
    const left = unanswered.get(target) ?? 0;
    if (left > 0) unanswered.set(target, left - 1);
    else after++;
  }
  return after;
}

export interface LedgerReport {
  accepted: number;
  completed: number;
  failed: number;
  providerCalls: number;
  /** Calls beyond the first per job (retries, crash re-runs). */
  extraCalls: number;
  problems: string[];
  results: Map<string, JobResult>;
}

/**
 * Counts what went in and what came out: the ids accepted, each final announcement on the
 * results channel, and the provider calls each job had made when its result became final.
 */
export class JobLedger {
  readonly accepted = new Set<string>();
  private readonly announced = new Map<string, number>();
  private readonly callsAtFinal = new Map<string, number>();
  private readonly store: ResultStore;

  private constructor(
    private readonly subscriber: Redis,
    private readonly redis: RedisClient,
    private readonly fake: FakeProvider | undefined,
    prefix: string,
  ) {
    const keys = createKeys(prefix);
    this.store = new RedisResultStore(redis, keys, 60);
    subscriber.on('message', (_channel: string, id: string) => {
      this.announced.set(id, (this.announced.get(id) ?? 0) + 1);
      if (this.fake && !this.callsAtFinal.has(id))
        this.callsAtFinal.set(id, callsByJob(this.fake).get(id) ?? 0);
    });
  }

  /**
   * Listens on the server at `url`; reads records there too, or through `reader` (on a cluster,
   * a cluster client: announcements reach every node, records live on the ladder's master).
   */
  static async open(
    url: string,
    prefix: string,
    fake?: FakeProvider,
    reader?: RedisClient,
  ): Promise<JobLedger> {
    const subscriber = new Redis(url, { maxRetriesPerRequest: null });
    subscriber.on('error', () => undefined);
    const redis = reader ?? new Redis(url, { maxRetriesPerRequest: null });
    redis.on('error', () => undefined);
    await subscriber.subscribe(createKeys(prefix).resultsChannel());
    return new JobLedger(subscriber, redis, fake, prefix);
  }

  accept(id: string): void {
    this.accepted.add(id);
  }

  async finalCount(): Promise<number> {
    let n = 0;
    for (const id of this.accepted) if (isFinalRecord(await this.store.get(id))) n++;
    return n;
  }

  /** Waits (bounded) until every accepted job has a final record. */
  async waitAllFinal(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    const pending = new Set(this.accepted);
    while (pending.size > 0 && Date.now() < until) {
      for (const id of [...pending])
        if (isFinalRecord(await this.store.get(id))) pending.delete(id);
      if (pending.size > 0) await new Promise((r) => setTimeout(r, 200));
    }
  }

  /**
   * Waits (bounded) until every accepted job that has a record has a final one: after a lossy
   * failover the jobs without any record never will.
   */
  async waitSettled(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      let open = 0;
      for (const id of this.accepted) {
        const record = await this.store.get(id);
        if (record && !isFinal(record.status)) open++;
      }
      if (open === 0 || Date.now() > until) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /**
   * The invariants. `lossyAnnouncements`: announcements may have been missed while Redis was
   * away, so only "at most one" is checked for them.
   *
   * A record is final on its master once the script that wrote it returns, but its announcement
   * reaches this ledger's subscriber only afterwards: on a cluster, whose announcements cross the
   * cluster bus to the node the ledger listens on, tens of milliseconds later on a loaded machine
   * (36–40 ms seen from a just-promoted master). So a job that became final just before this check
   * (a run lost in a failover and run again at the end, say) would count as "never announced", or
   * its re-run's provider call as one "after its result was final", while its announcement is on
   * its way. Such jobs get up to `announcedWithinMs` for it to arrive; what is still missing then
   * is reported.
   */
  async verify(
    options: { lossyAnnouncements?: boolean; announcedWithinMs?: number } = {},
  ): Promise<LedgerReport> {
    const problems: string[] = [];
    const results = new Map<string, JobResult>();
    for (const id of this.accepted) {
      const record = await this.store.get(id);
      if (record) results.set(id, record);
    }
    await this.waitAnnounced(results, options);
    const calls = this.fake ? callsByJob(this.fake) : new Map<string, number>();
    let completed = 0;
    let failed = 0;
    for (const id of this.accepted) {
      const record = results.get(id);
      if (!record) {
        problems.push(`${id}: no result record`);
        continue;
      }
      if (!isFinal(record.status))
        problems.push(`${id}: stuck ${record.status} at level ${record.level}`);
      if (record.status === 'completed') {
        completed++;
        const served = record.attempts.filter((a) => a.outcome === 'ok').length;
        if (served !== 1) problems.push(`${id}: completed with ${served} successful attempts`);
      }
      if (record.status === 'failed') failed++;
      const announced = this.announced.get(id) ?? 0;
      if (announced > 1) problems.push(`${id}: result announced ${announced} times`);
      if (announced === 0 && !options.lossyAnnouncements)
        problems.push(`${id}: result never announced`);
      const atFinal = this.callsAtFinal.get(id);
      const now = calls.get(id) ?? 0;
      if (atFinal !== undefined && now > atFinal && this.fake) {
        const after = callsAfterFinal(record, targetsCalled(this.fake, id).slice(atFinal));
        if (after > 0) problems.push(`${id}: ${after} provider call(s) after its result was final`);
      }
    }
    const providerCalls = [...calls.values()].reduce((a, b) => a + b, 0);
    const extraCalls = [...calls.values()].reduce((a, b) => a + Math.max(0, b - 1), 0);
    return {
      accepted: this.accepted.size,
      completed,
      failed,
      providerCalls,
      extraCalls,
      problems,
      results,
    };
  }

  /**
   * Waits (bounded) for the announcements still owed for final records: none heard yet (unless
   * they may be lost), or a provider call since the first one heard whose re-announcement (a
   * result lost in a failover and computed again) has not arrived yet.
   */
  private async waitAnnounced(
    results: Map<string, JobResult>,
    options: { lossyAnnouncements?: boolean; announcedWithinMs?: number },
  ): Promise<void> {
    const final = [...results.values()].filter((r) => isFinal(r.status)).map((r) => r.id);
    const owed = (): string[] => {
      const calls = this.fake ? callsByJob(this.fake) : undefined;
      return final.filter((id) => {
        const announced = this.announced.get(id) ?? 0;
        if (announced === 0) return !options.lossyAnnouncements;
        const atFinal = this.callsAtFinal.get(id);
        return atFinal !== undefined && (calls?.get(id) ?? 0) > atFinal && announced < 2;
      });
    };
    const until = Date.now() + (options.announcedWithinMs ?? 5_000);
    while (owed().length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    this.redis.disconnect();
  }
}
