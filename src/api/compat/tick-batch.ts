import type { ServerResponse } from 'node:http';

/**
 * Returns a function to call before each write of a stream: the first call of a tick corks the
 * response, and the tick's end uncorks it, so the events one read of the job's stream delivered
 * (the headers and the first pieces, say) leave in one socket write instead of one each. Under
 * load every write is a system call that the whole host pays for.
 */
export function tickBatch(res: ServerResponse): () => void {
  let corked = false;
  const uncork = (): void => {
    corked = false;
    res.uncork();
  };
  return () => {
    if (corked || res.writableEnded) return;
    corked = true;
    res.cork();
    process.nextTick(uncork);
  };
}
