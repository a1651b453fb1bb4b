import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/util/redis.js';
import {
  ANY_MODEL,
  startFakeProvider,
  type FakeProvider,
} from '../helpers/fake-provider/server.js';
import { onCluster } from '../helpers/ladder.js';
import { startRedisCluster, type RedisClusterHandle } from '../helpers/redis-cluster.js';
import type { RedisServerHandle } from '../helpers/redis-server.js';
import { JobLedger } from '../faults/ledger.js';
import {
  produce,
  quantile,
  roundTrips,
  sleep,
  startClusterLadder,
  tagsOnTwoMasters,
  type Attempt,
  type ClusterLadder,
} from './cluster-load.js';

// Its own cluster (the shared one stays whole for the other files): three masters, one replica
// each, node timeout 1 s. Both tests use it in turn; each kills a master and starts it again.
let cluster: RedisClusterHandle;
let fake: FakeProvider;
beforeAll(async () => {
  // As docs/scaling.md advises: otherwise every node refuses every command until the promotion.
  cluster = await startRedisCluster({ requireFullCoverage: false });
  fake = await startFakeProvider();
  fake.setDefault('anthropic', ANY_MODEL, { kind: 'text', text: 'served', delayMs: 20 });
}, 60_000);
afterAll(async () => {
  await fake?.close();
  await cluster?.dispose();
});

/** How long the victim's replica lags (frozen, its link cut) before the master is killed. */
const LAG_MS = 800;
/** B's slowest round trip during A's failover, beyond its slowest before it (stated in the docs). */
const B_EXTRA_MS_BOUND = 500;

async function replicaOf(master: RedisServerHandle): Promise<RedisServerHandle> {
  for (const node of cluster.nodes) {
    if (node === master) continue;
    const client = new Redis(node.url, { maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    const info = await client.info('replication').finally(() => client.disconnect());
    if (new RegExp(`master_port:${master.port}\\b`).test(info)) return node;
  }
  throw new Error(`no replica of ${master.port}`);
}

async function cutReplicaLink(master: RedisServerHandle): Promise<void> {
  const client = new Redis(master.url, { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  await client.call('CLIENT', 'KILL', 'TYPE', 'replica').finally(() => client.disconnect());
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms: number) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const within = (attempts: Attempt[], from: number, to: number): Attempt[] =>
  attempts.filter((a) => a.at >= from && a.at < to);

async function failover(durability: 'async' | 'replicated'): Promise<void> {
  const [tagA, tagB] = await tagsOnTwoMasters(cluster);
  const victim = await cluster.masterFor(tagA);
  const victimReplica = await replicaOf(victim);
  const bMaster = await cluster.masterFor(tagB);
  const ladders: ClusterLadder[] = [];
  const a = await startClusterLadder(cluster, fake, tagA, durability);
  ladders.push(a);
  const b = await startClusterLadder(cluster, fake, tagB, durability);
  ladders.push(b);
  // Announcements reach every node; B's master stays up throughout. Records are read through
  // the cluster, from wherever A's slot lives.
  const reader = createRedis({ kind: 'cluster', nodes: cluster.urls, tls: false }, 'worker');
  const ledger = await JobLedger.open(bMaster.url, tagA, fake, reader);
  const aLoad = produce(a, 3, `${durability}-a`, (id) => ledger.accept(id));
  const bLoad = roundTrips(b, 2, `${durability}-b`);
  try {
    await until(
      'both ladders under load',
      () => ledger.accepted.size >= 60 && bLoad.attempts.length >= 20,
      30_000,
    );
    const lagAt = Date.now();
    // A replica that lags at the moment of the crash: frozen, and its link cut so that what the
    // master writes meanwhile waits in the master's backlog and dies with it.
    victimReplica.signal('SIGSTOP');
    await cutReplicaLink(victim);
    await sleep(LAG_MS);
    const acceptedBeforeKill = ledger.accepted.size;
    const killedAt = Date.now();
    await victim.stop('SIGKILL');
    victimReplica.signal('SIGCONT');
    await until(
      'the replica promoted',
      async () => (await cluster.masterFor(tagA)).port === victimReplica.port,
      30_000,
    );
    const promotedMs = Date.now() - killedAt;
    // The promoted replica has no replica of its own until the old master rejoins as one; until
    // then `replicated` refuses enqueues and holds results (docs/durability.md).
    await cluster.rejoin(victim, 30_000);
    const rejoinedMs = Date.now() - killedAt;
    // A is back when an enqueue sent after the kill is acknowledged.
    const backAt = () => {
      const first = aLoad.attempts.find((x) => x.ok && x.at > killedAt);
      return first && first.at + first.ms;
    };
    await until('ladder A taking jobs again', () => backAt() !== undefined, 30_000);
    const aBackAt = backAt()!;
    const tail = bLoad.attempts.length;
    await until('more round trips on B', () => bLoad.attempts.length >= tail + 20, 30_000);
    await aLoad.stop();
    await bLoad.stop();

    if (durability === 'replicated') await ledger.waitAllFinal(60_000);
    else await ledger.waitSettled(8_000);
    const report = await ledger.verify({ lossyAnnouncements: durability === 'async' });
    const lost = [...ledger.accepted].filter((id) => {
      const record = report.results.get(id);
      return !record || record.status === 'queued';
    });
    // A final result announced, lost in the failover, and computed and announced again.
    const rerun = report.problems
      .filter((p) => / announced [0-9]+ times$/.test(p))
      .map((p) => p.split(':')[0]!);
    const bBefore = within(bLoad.attempts, 0, lagAt);
    const bDuring = within(bLoad.attempts, lagAt, aBackAt);
    const aDuring = within(aLoad.attempts, lagAt, aBackAt);
    const aRefused = aDuring.filter((x) => !x.ok);
    const figures = {
      scenario: `cluster-failover-${durability}`,
      accepted: report.accepted,
      accepted_before_kill: acceptedBeforeKill,
      accepted_while_lagging: within(aLoad.attempts, lagAt, killedAt).filter((x) => x.ok).length,
      lost_acknowledged: lost.length,
      results_announced_then_lost: rerun.length,
      completed: report.completed,
      failed: report.failed,
      repeated_calls: report.extraCalls,
      promoted_ms: promotedMs,
      rejoined_ms: rejoinedMs,
      a_back_ms: aBackAt - killedAt,
      a_refused: aRefused.length,
      a_refusals: [...new Set(aRefused.map((x) => x.error?.split(':')[0]))],
      a_slowest_refusal_ms: Math.max(0, ...aRefused.map((x) => x.ms)),
      a_slowest_enqueue_ms: Math.max(0, ...aDuring.map((x) => x.ms)),
      b_round_trips_during: bDuring.length,
      b_errors: bLoad.attempts.filter((x) => !x.ok).map((x) => x.error),
      b_p50_before_ms: quantile(bBefore, 0.5),
      b_max_before_ms: quantile(bBefore, 1),
      b_p50_during_ms: quantile(bDuring, 0.5),
      b_max_during_ms: quantile(bDuring, 1),
    };
    process.stdout.write(`FAULT-FIGURES ${JSON.stringify(figures)}\n`);

    // B never noticed: no error, no round trip slower than before by more than the bound.
    expect(figures.b_errors).toEqual([]);
    expect(bDuring.length).toBeGreaterThan(0);
    expect(figures.b_max_during_ms).toBeLessThan(figures.b_max_before_ms + B_EXTRA_MS_BOUND);
    // A was refused (fail fast, as a LadderUnavailableError) while it had no master, never hung.
    for (const refusal of aRefused)
      expect(refusal.error).toMatch(/^(LadderUnavailable|NotReplicated)Error/);
    expect(figures.a_slowest_refusal_ms).toBeLessThan(5_000);
    if (durability === 'replicated') {
      expect(lost).toEqual([]);
      expect(report.problems).toEqual([]);
    } else {
      // What async loses is measured, not asserted: jobs, and results announced then taken back
      // (the job ran again). Every other job ends once.
      const excused = new Set([...lost, ...rerun]);
      expect(report.problems.filter((p) => !excused.has(p.split(':')[0]!))).toEqual([]);
    }
  } finally {
    await aLoad.stop();
    await bLoad.stop();
    await ledger.close();
    for (const ladder of ladders) await ladder.close();
  }
}

describe('Redis Cluster: a master SIGKILLed under load', () => {
  it('runs in the cluster suite', () => {
    expect(onCluster()).toBe(true);
  });

  // Retried, for ladder B's latency checks only. Three causes of the flake that got these tests
  // `retry: 2` (f90d41a) are fixed: a waiter whose cluster subscriber sat on the killed master
  // never read its record again, a held final record that died with the master was counted as
  // released, and the ledger verified before a late re-run's announcement crossed the cluster bus.
  // Without a retry since, 29 runs of 32 were all green and no job check failed. Left: B's round
  // trips. In 1 run of 4 on the latest main, both tests had two of B's round trips, sent just after
  // the kill, wait out their 20 s, their announcements heard on the other nodes. Not found yet;
  // likely B's subscriber on a node just frozen or killed (the other nodes drop their cluster-bus
  // links to a node silent for half the node timeout, and drop what is published meanwhile) while
  // its own connection stays up, so the waiter's read-again-after-resubscribe never runs. And
  // async, 2 runs in 8 had B's slowest round trip during the failover 549 and 759 ms over its
  // slowest before (bound 500).
  const retried = { retry: 2, timeout: 150_000 };

  it(
    'replicated: ladder A goes on after promotion with every acknowledged job ending once; ladder B never notices',
    retried,
    async () => {
      await failover('replicated');
    },
  );

  it('async: the same failover; the acknowledged jobs lost are counted', retried, async () => {
    await failover('async');
  });
});
