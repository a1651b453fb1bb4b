import type { RedisClient } from '../util/redis.js';
import type { BudgetLimit, BudgetsConfig, LevelConfig } from '../config/types.js';
import type {
  AvailabilityContext,
  LevelAvailability,
  Unavailable,
} from '../levels/availability.js';
import type { Keys } from '../ladder/keys.js';
import type { Logger } from '../util/log.js';
import { periodKey } from './period.js';
import type { PriceLookup } from './prices.js';
import { BUDGET_FIELD, fromNusd } from './stats-fields.js';

export interface BudgetSpendOptions {
  redis: RedisClient;
  keys: Keys;
  budgets: BudgetsConfig;
  levels: LevelConfig[];
  prices: PriceLookup;
  /** Epoch ms. Default `Date.now`; tests move it across period boundaries. */
  now?: () => number;
  /** How often the local copy is read back from Redis. Default 1000. */
  refreshMs?: number;
  logger?: Logger;
}

interface Check {
  limit: BudgetLimit;
  field: string;
}

/**
 * Budget spend as this process sees it: read from Redis every `refreshMs` and bumped by this
 * process's own spend in between, so `unavailable` (entry and reroutes) costs no round trip. The
 * worker's `admit` reads the spend itself: every job started was started while the budget was not
 * spent, so concurrent workers overspend by at most the cost of the jobs in flight.
 *
 * A level's budget counts what was spent serving jobs at that level; an agent's budget counts what
 * its jobs cost at any level. An agent over its budget may still use levels that cost nothing (the
 * cache, the static message, LLM levels whose every target is priced at zero); others are `budget`.
 */
export class BudgetSpend {
  readonly availability: LevelAvailability;
  private readonly now: () => number;
  /** `${period key}|${field}` → nano-USD, for the periods read last. */
  private spent = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly costly: Set<string>;

  constructor(private readonly options: BudgetSpendOptions) {
    this.now = options.now ?? Date.now;
    // An unpriced target may cost anything, so it counts as costly.
    this.costly = new Set(
      options.levels
        .filter(
          (l) =>
            l.kind === 'llm' &&
            l.targets.some((t) => {
              const p = options.prices(t.id);
              return !p || p.input > 0 || p.output > 0;
            }),
        )
        .map((l) => l.name),
    );
    // Without a budget there is nothing to admit: no `admit`, so a worker's job skips the await.
    this.availability = this.active
      ? {
          unavailable: (level, context) => this.judge(level, context),
          admit: (level, context) => this.admit(level, context),
        }
      : { unavailable: (level, context) => this.judge(level, context) };
  }

  /** Whether any budget is configured (else nothing needs reading). */
  get active(): boolean {
    return (
      Object.keys(this.options.budgets.levels).length +
        Object.keys(this.options.budgets.agents).length >
      0
    );
  }

  /** Reads the spend now, then every `refreshMs` (the timer does not keep the process alive). */
  async start(): Promise<this> {
    if (!this.active) return this;
    await this.refresh();
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) =>
        this.options.logger?.warn(
          { err: String(error) },
          'budget spend could not be read; keeping the last read',
        ),
      );
    }, this.options.refreshMs ?? 1000);
    this.timer.unref();
    return this;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private checks(level: LevelConfig, context: AvailabilityContext): Check[] {
    if (level.kind !== 'llm') return [];
    const checks: Check[] = [];
    const own = this.options.budgets.levels[level.name];
    if (own) checks.push({ limit: own, field: BUDGET_FIELD.level(level.name) });
    const agent = context.agent ? this.options.budgets.agents[context.agent] : undefined;
    if (agent && context.agent && this.costly.has(level.name))
      checks.push({ limit: agent, field: BUDGET_FIELD.agent(context.agent) });
    return checks;
  }

  private slot(check: Check, nowMs: number): string {
    return `${periodKey(check.limit.period, nowMs)}|${check.field}`;
  }

  private spentOut(checks: Check[], nowMs: number): boolean {
    return checks.some(
      (c) => fromNusd(this.spent.get(this.slot(c, nowMs)) ?? 0) >= c.limit.limitUsd,
    );
  }

  private judge(level: LevelConfig, context: AvailabilityContext): Unavailable | null {
    const nowMs = this.now();
    return this.spentOut(this.checks(level, context), nowMs) ? 'budget' : null;
  }

  /** Reads the budgets that apply from Redis (one round trip, only when some apply), then judges. */
  private async admit(
    level: LevelConfig,
    context: AvailabilityContext,
  ): Promise<Unavailable | null> {
    const checks = this.checks(level, context);
    if (checks.length === 0) return null;
    const nowMs = this.now();
    await this.read(checks, nowMs);
    return this.spentOut(checks, nowMs) ? 'budget' : null;
  }

  /** Every configured budget, for the periods `nowMs` falls in. */
  private allChecks(): Check[] {
    const { levels, agents } = this.options.budgets;
    return [
      ...Object.entries(levels).map(([name, limit]) => ({
        limit,
        field: BUDGET_FIELD.level(name),
      })),
      ...Object.entries(agents).map(([name, limit]) => ({
        limit,
        field: BUDGET_FIELD.agent(name),
      })),
    ];
  }

  async refresh(): Promise<void> {
    const nowMs = this.now();
    const fresh = new Map<string, number>();
    await this.read(this.allChecks(), nowMs, fresh);
    this.spent = fresh;
  }

  private async read(
    checks: Check[],
    nowMs: number,
    into: Map<string, number> = this.spent,
  ): Promise<void> {
    const pipeline = this.options.redis.pipeline();
    for (const c of checks)
      pipeline.hget(this.options.keys.budgetSpend(periodKey(c.limit.period, nowMs)), c.field);
    const replies = (await pipeline.exec()) ?? [];
    checks.forEach((c, i) => {
      const [error, value] = replies[i] ?? [null, null];
      if (error) throw error;
      into.set(this.slot(c, nowMs), Number(value ?? 0));
    });
  }

  /** This process's own spend, seen at once without waiting for the next read. */
  record(spend: { level: string; agent?: string; nusd: number }): void {
    if (spend.nusd <= 0) return;
    const nowMs = this.now();
    const bump = (limit: BudgetLimit | undefined, field: string): void => {
      if (!limit) return;
      const slot = this.slot({ limit, field }, nowMs);
      this.spent.set(slot, (this.spent.get(slot) ?? 0) + spend.nusd);
    };
    bump(this.options.budgets.levels[spend.level], BUDGET_FIELD.level(spend.level));
    if (spend.agent)
      bump(this.options.budgets.agents[spend.agent], BUDGET_FIELD.agent(spend.agent));
  }

  /** Spend so far in the current period, USD; 0 when unknown. */
  spentUsd(scope: 'level' | 'agent', name: string): number {
    const limit =
      scope === 'level' ? this.options.budgets.levels[name] : this.options.budgets.agents[name];
    if (!limit) return 0;
    return fromNusd(
      this.spent.get(this.slot({ limit, field: BUDGET_FIELD[scope](name) }, this.now())) ?? 0,
    );
  }
}
