import type { z } from 'zod';
import {
  batchAnswerSchema,
  enqueueAnswerSchema,
  errorBodySchema,
  levelActionAnswerSchema,
  type ErrorBody,
} from '../ladder/answers.js';
import { formatIssuePath } from '../ladder/job-schema.js';
import type { BreakerAction, LevelAction } from '../ladder/literals.js';
import { isFinal, jobResultSchema, type JobResult } from '../ladder/result.js';
import { ladderStateSchema, type LadderState } from '../ladder/state.js';
import { BadEventIdError, UnknownJobError } from '../streaming/errors.js';
import type { JobEvent } from '../streaming/events.js';
import type { EventsOptions } from '../streaming/reader.js';
import {
  JobValidationError,
  LadderUnavailableError,
  NotReplicatedError,
  QueueFullError,
} from './errors.js';
import { followEvents } from './http-events.js';
import {
  catalogFromState,
  type EnqueueAnswer,
  type LadderCatalog,
  type LadderOps,
  type ResultOptions,
} from './ladder-ops.js';

export interface HttpLadderOpsOptions {
  /** Base URL of the API, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Bearer token; omit for an API without tokens. */
  token?: string;
  /** Longest single long-poll request; the API caps it at api.sync_timeout_ms too. Default 30000. */
  pollMs?: number;
  /** Timeout of requests that do not wait for a job. Default 30000. */
  requestTimeoutMs?: number;
  /** For tests. Default the global fetch. */
  fetch?: typeof fetch;
}

/** An answer of the API that no LadderOps error describes (401, 409 outside cancel, 500...). */
export class HttpApiError extends Error {
  readonly isHttpApiError = true;
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpApiError';
  }
}

const DEFAULT_RESULT_TIMEOUT_MS = 30_000;

/**
 * The base URL without credentials (fetch refuses them, and messages must not show them), and the
 * password of `http://user:token@host` as the token when none is given.
 */
function splitUrl(url: string): { base: string; password: string | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(
      'HttpLadderOps: url must be an absolute http(s) URL, e.g. http://127.0.0.1:3000',
    );
  }
  const password = parsed.password === '' ? undefined : decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { base: parsed.origin + parsed.pathname.replace(/\/+$/, ''), password };
}

function encodeTarget(target: string): string {
  return target.split('/').map(encodeURIComponent).join('/');
}

/**
 * LadderOps over the HTTP API, so `LadderClient({ url, token })` has the same methods and errors
 * as over Redis. The token goes only into the Authorization header, never into a message.
 */
export class HttpLadderOps implements LadderOps {
  private readonly base: string;
  private readonly token: string | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly closing = new AbortController();

  constructor(private readonly options: HttpLadderOpsOptions) {
    const { base, password } = splitUrl(options.url);
    this.base = base;
    this.token = options.token ?? password;
    this.fetchImpl = options.fetch ?? fetch;
  }

  async enqueue(job: unknown): Promise<EnqueueAnswer> {
    const answer = await this.call('POST', '/v1/jobs', { body: job });
    return this.parse(enqueueAnswerSchema, answer);
  }

  async enqueueMany(jobs: readonly unknown[]): Promise<EnqueueAnswer[]> {
    const answer = await this.call('POST', '/v1/jobs/batch', { body: { jobs } });
    return this.parse(batchAnswerSchema, answer).jobs;
  }

  async get(id: string): Promise<JobResult | null> {
    const answer = await this.call('GET', `/v1/jobs/${encodeURIComponent(id)}`, { allow404: true });
    return answer.status === 404 ? null : this.parse(jobResultSchema, answer);
  }

  /** Long-polls in slices of `pollMs` until the job is final or `timeoutMs` has passed. */
  async result(id: string, options: ResultOptions = {}): Promise<JobResult | null> {
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_RESULT_TIMEOUT_MS);
    const slice = this.options.pollMs ?? 30_000;
    for (;;) {
      const waitMs = Math.max(0, Math.min(slice, deadline - Date.now()));
      const path = `/v1/jobs/${encodeURIComponent(id)}?wait=${(waitMs / 1000).toFixed(3)}`;
      const answer = await this.call('GET', path, { allow404: true, timeoutMs: waitMs + 10_000 });
      if (answer.status === 404) return null;
      const record = this.parse(jobResultSchema, answer);
      if (isFinal(record.status) || Date.now() >= deadline) return record;
    }
  }

  async cancel(id: string): Promise<JobResult | null> {
    const answer = await this.call('DELETE', `/v1/jobs/${encodeURIComponent(id)}`, {
      allow404: true,
      allow409: true,
    });
    if (answer.status === 404) return null;
    // 409: already running or final; the API sends the record along, as LadderOps.cancel answers.
    return answer.status === 409
      ? (this.parse(errorBodySchema, answer).job ?? null)
      : this.parse(jobResultSchema, answer);
  }

  async ladder(): Promise<LadderState> {
    return this.parse(ladderStateSchema, await this.call('GET', '/v1/ladder'));
  }

  async catalog(): Promise<LadderCatalog> {
    return catalogFromState(await this.ladder());
  }

  async breaker(target: string, action: BreakerAction): Promise<void> {
    await this.call('POST', `/v1/breakers/${encodeTarget(target)}`, { body: { action } });
  }

  async levelAction(level: string, action: LevelAction): Promise<{ level: number; name: string }> {
    const answer = await this.call('POST', `/v1/levels/${encodeURIComponent(level)}`, {
      body: { action },
    });
    return this.parse(levelActionAnswerSchema, answer);
  }

  /** `GET /v1/jobs/{id}/events`, reconnecting with the last id seen when the connection drops. */
  async events(id: string, options: EventsOptions = {}): Promise<AsyncIterable<JobEvent>> {
    const path = `/v1/jobs/${encodeURIComponent(id)}/events`;
    const connect = (lastEventId: string | undefined): Promise<Response> =>
      this.openStream(path, id, lastEventId, options.signal);
    return followEvents({ first: await connect(options.lastEventId), connect, options });
  }

  private async openStream(
    path: string,
    id: string,
    lastEventId: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (lastEventId) headers['Last-Event-ID'] = lastEventId;
    let response: Response;
    try {
      response = await this.fetchImpl(this.base + path, {
        headers,
        signal: AbortSignal.any([this.closing.signal, ...(signal ? [signal] : [])]),
      });
    } catch (error) {
      throw new LadderUnavailableError(
        `the ladder API at ${this.base} cannot be reached: ${describeNetworkError(error)}`,
        { cause: error },
      );
    }
    if (response.ok && response.body) return response;
    const json = await readJson(response);
    if (response.status === 404) throw new UnknownJobError(id);
    if (response.status === 400 && lastEventId) throw new BadEventIdError(id, lastEventId);
    throw this.toError(response.status, json, response.headers);
  }

  /** Aborts requests still waiting (long polls); the client holds no other resource. */
  async close(): Promise<void> {
    this.closing.abort();
  }

  private async call(
    method: string,
    path: string,
    opts: { body?: unknown; allow404?: boolean; allow409?: boolean; timeoutMs?: number } = {},
  ): Promise<{ status: number; json: unknown }> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    const signal = AbortSignal.any([
      this.closing.signal,
      AbortSignal.timeout(opts.timeoutMs ?? this.options.requestTimeoutMs ?? 30_000),
    ]);
    let response: Response;
    try {
      response = await this.fetchImpl(this.base + path, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal,
      });
    } catch (error) {
      const reason = this.closing.signal.aborted
        ? 'the client was closed'
        : describeNetworkError(error);
      throw new LadderUnavailableError(
        `the ladder API at ${this.base} cannot be reached: ${reason}`,
        { cause: error },
      );
    }
    const json = await readJson(response);
    const status = response.status;
    if (status < 300 || (status === 404 && opts.allow404) || (status === 409 && opts.allow409))
      return { status, json };
    throw this.toError(status, json, response.headers);
  }

  /**
   * The answer as its schema says, or an error naming the first field that differs: a server of
   * another version, or something that is not the ladder API, is reported instead of passed on.
   */
  private parse<S extends z.ZodType>(
    schema: S,
    answer: { status: number; json: unknown },
  ): z.output<S> {
    const parsed = schema.safeParse(answer.json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue ? `${formatIssuePath(issue.path)}: ${issue.message}` : 'unreadable';
    throw new HttpApiError(
      answer.status,
      `the ladder API at ${this.base} answered ${answer.status} with a body this client cannot read (${where})`,
    );
  }

  private toError(status: number, json: unknown, headers: Headers): Error {
    // An error answer that is not the API's shape (a proxy's page) still gets its status mapped.
    const parsed = errorBodySchema.safeParse(json);
    const body: Partial<ErrorBody> = parsed.success ? parsed.data : {};
    const message = body.error?.message ?? `HTTP ${status}`;
    if (status === 400) {
      // The API writes a batch job's paths from the body (`jobs.1.level`); the error names them in
      // the job with its index beside, as the Redis client does.
      const problems = (body.error?.problems ?? [{ path: '(root)', message }]).map((p) => {
        const prefix = `jobs.${p.index}.`;
        return p.index !== undefined && p.path.startsWith(prefix)
          ? { ...p, path: p.path.slice(prefix.length) }
          : p;
      });
      return new JobValidationError(problems);
    }
    if (status === 429) {
      const retryAfterMs =
        body.error?.retry_after_ms ?? Number(headers.get('retry-after') ?? '1') * 1000;
      return new QueueFullError(
        body.error?.level ?? 'unknown',
        body.error?.depth ?? 0,
        retryAfterMs,
      );
    }
    if (status === 503 && body.error?.code === 'not_replicated') {
      return new NotReplicatedError(
        body.error.job_ids ?? [],
        `the API at ${this.base}: ${message}`,
      );
    }
    if (status === 502 || status === 503 || status === 504) {
      return new LadderUnavailableError(
        `the ladder API at ${this.base} is unavailable (${status}): ${message}`,
      );
    }
    if (status === 401 || status === 403) {
      return new HttpApiError(
        status,
        `the ladder API at ${this.base} refused the token (${status}): set LADDER_API_TOKEN`,
      );
    }
    return new HttpApiError(
      status,
      `the ladder API at ${this.base} answered ${status}: ${message}`,
    );
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { error: { message: text.slice(0, 200) } };
  }
}

/** `connect ECONNREFUSED 127.0.0.1:3000` from undici's cause, or the error's own message. */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === 'string')
    return `${cause.code}${typeof cause.message === 'string' ? ` (${cause.message})` : ''}`;
  if (error instanceof Error && error.name === 'TimeoutError') return 'the request timed out';
  return error instanceof Error ? error.message : String(error);
}
