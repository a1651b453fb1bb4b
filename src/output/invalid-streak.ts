/**
 * Consecutive invalid answers per target, in this process. A model that gets a format wrong once
 * is no outage; one that keeps getting it wrong should stop being called, so past the threshold
 * each further invalid answer counts as a breaker failure, and a valid answer ends the streak.
 */
export class InvalidOutputStreaks {
  private readonly streaks = new Map<string, number>();

  /** @param threshold invalid answers in a row from which each counts (`breaker.invalid_output_threshold`). */
  constructor(private readonly threshold: number) {}

  /** Records an invalid answer; true when it counts as a breaker failure. */
  invalid(target: string): boolean {
    const streak = (this.streaks.get(target) ?? 0) + 1;
    this.streaks.set(target, streak);
    return streak >= this.threshold;
  }

  /** Records a valid answer: the streak starts over. */
  valid(target: string): void {
    this.streaks.delete(target);
  }
}
