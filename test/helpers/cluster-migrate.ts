import { Redis } from 'ioredis';

/** A master of the cluster: its address and node id. */
interface Master {
  host: string;
  port: number;
  id: string;
}

function connect(node: { host: string; port: number }): Redis {
  const client = new Redis({ host: node.host, port: node.port, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  return client;
}

async function withNode<T>(node: { host: string; port: number }, work: (c: Redis) => Promise<T>) {
  const client = connect(node);
  try {
    return await work(client);
  } finally {
    client.disconnect();
  }
}

type SlotRange = [number, number, [string, number, string], ...unknown[]];

export interface Migration {
  slot: number;
  from: number;
  to: number;
  /** Keys moved, and MIGRATE calls made. */
  keys: number;
  batches: number;
}

/**
 * Moves the slot of `key` to another master the way `redis-cli --cluster reshard` does, keys a
 * few at a time so that clients meet the slot half moved: IMPORTING on the target, MIGRATING on
 * the source (a missing key answers ASK, a multi-key command over keys on both sides TRYAGAIN),
 * MIGRATE in batches of `batch` keys with `pauseMs` between them, then SETSLOT NODE on every
 * master (clients then get MOVED).
 */
export async function migrateSlotOf(
  seed: string,
  key: string,
  options: { batch?: number; pauseMs?: number } = {},
): Promise<Migration> {
  const seedNode = new URL(seed);
  const at = { host: seedNode.hostname, port: Number(seedNode.port) };
  const { slot, masters } = await withNode(at, async (c) => {
    const slot = Number(await c.call('CLUSTER', 'KEYSLOT', key));
    const ranges = (await c.call('CLUSTER', 'SLOTS')) as SlotRange[];
    const masters = ranges.map(([from, to, [host, port, id]]) => ({ from, to, host, port, id }));
    return { slot, masters };
  });
  const source = masters.find((m) => slot >= m.from && slot <= m.to);
  const target = masters.find((m) => m.id !== source?.id);
  if (!source || !target) throw new Error(`no two masters for slot ${slot}`);
  const everyMaster: Master[] = [...new Map(masters.map((m) => [m.id, m])).values()];
  const batch = options.batch ?? 5;
  let keys = 0;
  let batches = 0;
  await withNode(target, (c) => c.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', source.id));
  await withNode(source, async (c) => {
    await c.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id);
    for (;;) {
      const found = (await c.call('CLUSTER', 'GETKEYSINSLOT', slot, batch)) as string[];
      if (found.length === 0) break;
      await c.call('MIGRATE', target.host, target.port, '', 0, 5_000, 'REPLACE', 'KEYS', ...found);
      keys += found.length;
      batches += 1;
      if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
    }
  });
  // The target first, then the source, then the rest, as redis-cli does.
  for (const master of [
    target,
    source,
    ...everyMaster.filter((m) => m.id !== source.id && m.id !== target.id),
  ])
    await withNode(master, (c) => c.call('CLUSTER', 'SETSLOT', slot, 'NODE', target.id));
  return { slot, from: source.port, to: target.port, keys, batches };
}
