import type { Behaviour, FakeProvider, FakeProviderName } from '../helpers/fake-provider/server.js';
import { ANY_MODEL, down, hang, reset, status } from '../helpers/fake-provider/server.js';

export interface ChaosTarget {
  provider: FakeProviderName;
  model: string;
}

/** 70% answers, 30% transient trouble: 5xx, 429, hangs and resets, in equal parts. */
export function chaosBehaviour(random: () => number): Behaviour {
  const r = random();
  if (r < 0.06) return status(503);
  if (r < 0.12) return status(500);
  if (r < 0.18) return status(429);
  if (r < 0.24) return hang();
  if (r < 0.3) return reset();
  return { kind: 'text', text: 'chaos survived', delayMs: Math.floor(random() * 40) };
}

/**
 * Keeps a few random behaviours queued ahead of each target's calls, so the fault mix holds
 * whatever the call rate. A provider taken `down` gets no more chaos: its queue drains into the
 * outage default.
 */
export class ChaosDriver {
  private readonly scripted = new Map<string, number>();
  private readonly downProviders = new Set<FakeProviderName>();
  private timer: NodeJS.Timeout | undefined;
  injected = 0;
  private total = 0;

  constructor(
    private readonly fake: FakeProvider,
    private readonly targets: ChaosTarget[],
    private readonly random: () => number,
    private readonly ahead = 3,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.topUp(), 10);
  }

  private topUp(): void {
    for (const t of this.targets) {
      if (this.downProviders.has(t.provider)) continue;
      const key = `${t.provider}/${t.model}`;
      const scripted = this.scripted.get(key) ?? 0;
      const missing = this.fake.calls(t.provider, t.model) + this.ahead - scripted;
      for (let i = 0; i < missing; i++) {
        const behaviour = chaosBehaviour(this.random);
        this.total++;
        if (behaviour.kind !== 'text') this.injected++;
        this.fake.script(t.provider, t.model, behaviour);
      }
      if (missing > 0) this.scripted.set(key, scripted + missing);
    }
  }

  takeDown(provider: FakeProviderName): void {
    this.downProviders.add(provider);
    this.fake.setDefault(provider, ANY_MODEL, down());
  }

  bringBack(provider: FakeProviderName): void {
    this.fake.setDefault(provider, ANY_MODEL, { kind: 'text', text: 'back' });
    // Calls made while down consumed the default, not the script: re-base the count.
    for (const t of this.targets.filter((x) => x.provider === provider)) {
      this.scripted.set(`${t.provider}/${t.model}`, this.fake.calls(t.provider, t.model));
    }
    this.downProviders.delete(provider);
  }

  /** How many behaviours were scripted in all, faults and answers. */
  scriptedTotal(): number {
    return this.total;
  }

  /** Stops injecting; queued behaviours still play out. */
  stop(): void {
    clearInterval(this.timer);
  }
}
