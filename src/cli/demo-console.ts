import { createWriteStream, type WriteStream } from 'node:fs';
import type { LadderState } from '../ladder/state.js';

/** hh:mm:ss (UTC), the same clock as the JSON logs' `time`. */
function clock(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(11, 19);
}

const BREAKER_WORDS: Record<string, string> = {
  closed: 'closed (calls flow again)',
  open: 'OPENED (calls refused until a probe succeeds)',
  half_open: 'half-open (one probe call)',
  forced_open: 'forced OPEN by an operator',
  forced_closed: 'forced closed by an operator',
};

const LEVEL_WORDS: Record<string, string> = {
  live: 'back up: takes new jobs again',
  down: 'DOWN: no target can take a call; its jobs move to the next level',
  paused: 'paused by an operator; new jobs enter the next level',
  budget: 'over budget; new jobs enter the next level',
};

interface LogLine {
  level?: string;
  msg?: string;
  job_id?: string;
  ladder_level?: string;
  provider_target?: string;
  degraded?: boolean;
  status?: string;
}

/**
 * The demo's terminal: every JSON log line goes to a file, and the terminal gets one short line per
 * notable event (a breaker or level changing state, a job served degraded, an error) and a summary
 * every `summaryMs`, so the banner stays readable. Breaker and level changes come from the ladder
 * state (`observe`), which sees those forced from any process; job lines come from the logs.
 */
export class DemoConsole {
  private readonly file: WriteStream;
  private breakers = new Map<string, string>();
  private levels = new Map<string, string>();
  private served = 0;
  private degraded = 0;
  private failed = 0;
  private degradedUnsaid = 0;
  private lastDegradedLineMs = 0;
  private lastSummaryMs: number;

  constructor(
    readonly logFile: string,
    private readonly out: (line: string) => void,
    private readonly now: () => number = Date.now,
    /** At most one degraded-job line per this many ms; the others are counted in the next. */
    private readonly degradedEveryMs = 5_000,
  ) {
    this.file = createWriteStream(logFile, { flags: 'w' });
    this.lastSummaryMs = now();
  }

  /** A pino destination: the line goes to the file, and what is notable to the terminal. */
  readonly destination = {
    write: (line: string): void => {
      this.file.write(line);
      this.onLogLine(line);
    },
  };

  say(text: string): void {
    this.out(`${clock(this.now())}  ${text}`);
  }

  private onLogLine(line: string): void {
    let entry: LogLine;
    try {
      entry = JSON.parse(line) as LogLine;
    } catch {
      return;
    }
    if (entry.level === 'error' || entry.level === 'fatal') {
      this.say(`error: ${entry.msg ?? 'see the log'}`);
      return;
    }
    if (entry.msg === 'job failed') {
      this.failed++;
      this.say(`job ${entry.job_id ?? '?'} failed at ${entry.ladder_level ?? '?'}`);
    } else if (entry.msg === 'job completed') {
      this.served++;
      if (entry.degraded === true) this.onDegraded(entry);
    }
  }

  private onDegraded(entry: LogLine): void {
    this.degraded++;
    const nowMs = this.now();
    if (nowMs - this.lastDegradedLineMs < this.degradedEveryMs) {
      this.degradedUnsaid++;
      return;
    }
    const more = this.degradedUnsaid > 0 ? ` (+${this.degradedUnsaid} more since the last)` : '';
    this.lastDegradedLineMs = nowMs;
    this.degradedUnsaid = 0;
    const by = entry.provider_target ? ` by ${entry.provider_target}` : '';
    this.say(`job served degraded at ${entry.ladder_level ?? '?'}${by}${more}`);
  }

  /** Compares with the last state seen and says what changed; the first call only remembers. */
  observe(state: LadderState): void {
    const first = this.levels.size === 0;
    for (const level of state.levels) {
      const was = this.levels.get(level.name);
      if (!first && was !== undefined && was !== level.state)
        this.say(`level ${level.name} ${LEVEL_WORDS[level.state] ?? level.state}`);
      this.levels.set(level.name, level.state);
      for (const target of level.targets) {
        const now = target.breaker.state;
        const before = this.breakers.get(target.target);
        if (!first && before !== undefined && before !== now) {
          const why = now === 'open' ? target.breaker.last_errors.at(-1)?.message : undefined;
          this.say(`breaker ${target.target} ${BREAKER_WORDS[now] ?? now}${why ? `: ${why}` : ''}`);
        }
        this.breakers.set(target.target, now);
      }
    }
  }

  /** One line: jobs since the last summary, and what is not well now. */
  summary(): void {
    const open = [...this.breakers].filter(([, s]) => s !== 'closed').map(([t, s]) => `${t} ${s}`);
    const off = [...this.levels].filter(([, s]) => s !== 'live').map(([l, s]) => `${l} ${s}`);
    const health =
      open.length + off.length === 0
        ? 'all levels live, all breakers closed'
        : [...off.map((l) => `level ${l}`), ...open.map((b) => `breaker ${b}`)].join(', ');
    const seconds = Math.round((this.now() - this.lastSummaryMs) / 1000);
    this.lastSummaryMs = this.now();
    this.say(
      `last ${seconds} s: ${this.served} jobs served (${this.degraded} degraded), ${this.failed} failed · ${health}`,
    );
    this.served = 0;
    this.degraded = 0;
    this.failed = 0;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.file.end(resolve));
  }
}
