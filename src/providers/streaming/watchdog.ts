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
 *
 * One timer per limit, re-armed with `refresh()` at each wait: a streamed answer is hundreds of
 * events, and a timer plus two promises made and dropped per event showed in the worker's profile.
 * The timer firing between two waits (while the consumer holds an item) is ignored, as before.
 */
export async function* paced<T>(source: AsyncIterable<T>, options: PaceOptions): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let wake: ((late: 'late') => void) | undefined;
  const onLate = (): void => wake?.('late');
  let first = true;
  let timer = setTimeout(onLate, options.firstMs);
  try {
    for (;;) {
      const next = await new Promise<IteratorResult<T> | 'late'>((resolve, reject) => {
        wake = resolve;
        timer.refresh();
        iterator.next().then(resolve, reject);
      });
      wake = undefined;
      if (next === 'late') {
        options.controller.abort();
        void iterator.return?.()?.catch(() => undefined);
        throw new StreamStalledError(first ? options.firstMs : options.idleMs, first);
      }
      if (next.done) return;
      if (first) {
        first = false;
        clearTimeout(timer);
        timer = setTimeout(onLate, options.idleMs);
      }
      yield next.value;
    }
  } finally {
    clearTimeout(timer);
  }
}
