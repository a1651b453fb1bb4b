/**
 * Fair order in a level's queue, before jobs reach any limiter. BullMQ serves a queue by priority,
 * then in insertion order, so one agent's burst of thousands would keep another agent's handful
 * waiting behind it. Each ladder job's BullMQ priority is therefore its own priority (1–1000) times
 * FAIR_SPAN plus a fair offset: per level and agent, every job takes the next slot of a virtual
 * clock (`slotMs` apart, never earlier than now), and its offset is how many slots ahead of now that
 * is. An agent that sends a job a slot or less apart always gets 0; a burst gets 0, 1, 2, ... and so
 * keeps its own order; another agent's first job gets 0 again and goes ahead of the burst's later
 * jobs. Start-time fair queueing, kept per producer process: no Redis round trip, and with several
 * API processes a burst spread over them is still at most that many times ahead of others.
 */

/** BullMQ priorities per ladder priority: offsets 0 … FAIR_SPAN − 1. 1000 × 2048 + 2047 < 2²¹. */
export const FAIR_SPAN = 2048;

/** Agents whose clock is at least this far behind now are forgotten (their next offset is 0). */
const PRUNE_EVERY = 1024;

export class FairShare {
  private readonly next = new Map<string, number>();
  private calls = 0;

  constructor(
    private readonly now: () => number,
    private readonly slotMs = 1000,
  ) {}

  /** The fair offset of a job entering `level` for `agent` now (and books its slot). */
  offset(level: string, agent: string): number {
    const now = this.now();
    const key = `${level}\u0000${agent}`;
    const slot = Math.max(now, this.next.get(key) ?? now);
    this.next.set(key, slot + this.slotMs);
    if (++this.calls % PRUNE_EVERY === 0) this.prune(now);
    return Math.min(FAIR_SPAN - 1, Math.floor((slot - now) / this.slotMs));
  }

  private prune(now: number): void {
    for (const [key, next] of this.next) if (next <= now) this.next.delete(key);
  }
}

/** The agent a job counts for: `metadata.agent`, or one shared agent for jobs without one. */
export function agentOf(data: { metadata?: unknown }): string {
  const metadata = data.metadata;
  if (typeof metadata !== 'object' || metadata === null) return '';
  const agent = (metadata as { agent?: unknown }).agent;
  return typeof agent === 'string' ? agent : '';
}
