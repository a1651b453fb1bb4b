/** Why a paced iteration stopped waiting. */
export class StreamStalledError extends Error {
  readonly isStreamStalled = true;
  constructor(
    readonly waitedMs: number,
    /** True when nothing had arrived yet (the first event is bounded by the call timeout). */
    readonly beforeFirstEvent: boolean,
  ) {
    super(
      beforeFirstEvent
        ? `no first event within ${waitedMs} ms`
        : `stream stalled: no event for ${waitedMs} ms`,
    );
    this.name = 'StreamStalledError';
  }
}

export function isStreamStalled(error: unknown): error is StreamStalledError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { isStreamStalled?: unknown }).isStreamStalled === true
  );
}

export interface PaceOptions {
  /** Longest wait for the first item. */
  firstMs: number;
  /** Longest wait between two items after that. */
  idleMs: number;
  /** Aborted on a stall, so the SDK closes the connection. */
  controller: AbortController;
}

/**
 * Iterates `source`, giving up when an item is late: the controller is aborted (the SDK drops the
 * socket) and StreamStalledError is thrown. The SDKs end a stream silently when it is aborted, so
 * the stall must be reported here rather than read from the SDK.
 */
export async function* paced<T>(source: AsyncIterable<T>, options: PaceOptions): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let first = true;
  for (;;) {
    const limitMs = first ? options.firstMs : options.idleMs;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), limitMs);
    });
    let next: IteratorResult<T> | 'late';
    try {
      next = await Promise.race([iterator.next(), late]);
    } finally {
      clearTimeout(timer);
    }
    if (next === 'late') {
      options.controller.abort();
      void iterator.return?.()?.catch(() => undefined);
      throw new StreamStalledError(limitMs, first);
    }
    if (next.done) return;
    first = false;
    yield next.value;
  }
}
