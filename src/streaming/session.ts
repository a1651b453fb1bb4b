import type { RedisClient } from '../util/redis.js';
import type { Attempt } from '../ladder/result.js';
import type { CompletionOutput } from '../providers/contract.js';
import type { StreamDelta } from '../providers/streaming/types.js';
import { parseEntry, type DeltaData } from './events.js';
import type { StreamWriteBatch } from './write-batch.js';
import { JobStreamWriter } from './writer.js';

/** What readers hold of the answer: everything after the last restart. */
export interface AnswerSoFar {
  text: string;
  /** Characters of text and tool-call pieces. */
  chars: number;
  hasToolCalls: boolean;
  /** False once an attempt ended as `invalid_output`: such text is started over, never continued. */
  continuable: boolean;
}

const EMPTY: AnswerSoFar = { text: '', chars: 0, hasToolCalls: false, continuable: true };

const refused = (attempt: Attempt): boolean => attempt.class === 'invalid_output';

/** Rebuilds the answer so far from the stream: a job moved to another level keeps its stream. */
export async function readAnswerSoFar(redis: RedisClient, key: string): Promise<AnswerSoFar> {
  const entries = (await redis.xrange(key, '-', '+')) as Array<[string, string[]]>;
  let answer = { ...EMPTY };
  for (const [id, fields] of entries) {
    const event = parseEntry(id, fields);
    if (event?.type === 'restart') answer = { ...EMPTY };
    if (event?.type === 'delta') answer = addTo(answer, event.data);
    if (event?.type === 'attempt' && refused(event.data))
      answer = { ...answer, continuable: false };
  }
  return answer;
}

function addTo(answer: AnswerSoFar, data: DeltaData): AnswerSoFar {
  if ('text' in data) {
    return {
      ...answer,
      text: answer.text + data.text,
      chars: answer.chars + data.text.length,
      continuable: true,
    };
  }
  return {
    ...answer,
    chars: answer.chars + data.tool_call.arguments.length,
    hasToolCalls: true,
    continuable: true,
  };
}

/** Where an attempt runs, for the restart event. */
export interface AttemptTarget {
  level: number;
  provider?: string;
  model?: string;
}

interface PlannedRestart extends AttemptTarget {
  sentChars: number;
  kept: string;
}

export interface SessionOptions {
  redis: RedisClient;
  key: string;
  ttlSeconds: number;
  onError?: (error: unknown) => void;
  /** The process's shared write batch (see StreamWriteBatch). */
  batch?: StreamWriteBatch;
}

/**
 * One run of a streamed job at one level: passes deltas to the job's stream and keeps what
 * readers hold, so that a failover restarts the answer (or continues it) exactly once, lazily,
 * when the next attempt sends its first piece: a target that fails before that stays invisible.
 */
export class JobStreamSession {
  private answer: AnswerSoFar;
  private planned: PlannedRestart | null = null;
  private attemptChars = 0;
  private readonly writer: JobStreamWriter;

  private constructor(options: SessionOptions, answer: AnswerSoFar) {
    this.writer = new JobStreamWriter(options);
    this.answer = answer;
  }

  static async open(options: SessionOptions): Promise<JobStreamSession> {
    return new JobStreamSession(options, await readAnswerSoFar(options.redis, options.key));
  }

  /** Characters the current attempt has sent (for the trail of a cut attempt). */
  get sentByAttempt(): number {
    return this.attemptChars;
  }

  /** The text readers hold now: after a continued attempt, the kept text plus what followed. */
  get text(): string {
    return this.answer.text;
  }

  /**
   * Starts an attempt. With `canContinue` (the target continues an assistant prefill) and a
   * partial text answer out, answers the text to continue; the restart then keeps it.
   */
  begin(target: AttemptTarget, options: { canContinue: boolean }): { prefill: string | null } {
    this.attemptChars = 0;
    if (this.answer.chars === 0) {
      this.planned = null;
      return { prefill: null };
    }
    const continues =
      options.canContinue &&
      this.answer.continuable &&
      !this.answer.hasToolCalls &&
      this.answer.text !== '';
    this.planned = {
      ...target,
      sentChars: this.answer.chars,
      kept: continues ? this.answer.text : '',
    };
    return { prefill: continues ? this.answer.text : null };
  }

  delta(delta: StreamDelta): void {
    this.startAnswer();
    const data: DeltaData =
      delta.kind === 'text'
        ? { text: delta.text }
        : {
            tool_call: {
              index: delta.index,
              ...(delta.id ? { id: delta.id } : {}),
              ...(delta.name ? { name: delta.name } : {}),
              arguments: delta.arguments,
            },
          };
    this.attemptChars += 'text' in data ? data.text.length : data.tool_call.arguments.length;
    this.emit(data);
  }

  /** A whole answer at once (cache, static, a provider without streaming): one piece per part. */
  whole(output: CompletionOutput, target: AttemptTarget): void {
    this.begin(target, { canContinue: false });
    if (output.text !== '') this.delta({ kind: 'text', text: output.text });
    output.tool_calls.forEach((call, index) =>
      this.delta({
        kind: 'tool_call',
        index,
        id: call.id,
        name: call.name,
        arguments: JSON.stringify(call.arguments),
      }),
    );
    this.startAnswer();
  }

  attempt(entry: Attempt): void {
    if (refused(entry)) this.answer = { ...this.answer, continuable: false };
    this.writer.attempt(entry);
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** The planned restart goes out before the attempt's first piece (or with an empty answer). */
  private startAnswer(): void {
    const planned = this.planned;
    if (!planned) return;
    this.planned = null;
    this.writer.restart({
      level: planned.level,
      ...(planned.provider ? { provider: planned.provider, model: planned.model } : {}),
      sent_chars: planned.sentChars,
      continues: planned.kept !== '',
      kept_chars: planned.kept.length,
    });
    this.answer = { ...EMPTY };
    if (planned.kept !== '') this.emit({ text: planned.kept });
  }

  private emit(data: DeltaData): void {
    this.answer = addTo(this.answer, data);
    this.writer.delta(data);
  }
}
