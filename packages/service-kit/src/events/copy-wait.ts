// Waiting, briefly, for a copy another subgraph's event is about to bring: a row created a moment
// ago in one subgraph reaches another's copy only when that subgraph's consumer has handled the
// event (usually within milliseconds; on a busy machine, seconds).

/**
 * How long a request waits for a copy before it answers as if the row did not exist: well inside
 * the gateway's subgraph timeout (SUBGRAPH_TIMEOUT_MS, 10 s by default), which a longer wait for
 * an id that never arrives would run into.
 */
export const COPY_WAIT_MS = 5_000;
const FIRST_DELAY_MS = 50;
const MAX_DELAY_MS = 1_000;

/**
 * Reads with `read` until `done` holds or `timeoutMs` has passed, waiting 50 ms, then twice as
 * long each time up to 1 s between reads (about 10 reads in 5 s, so an id that never arrives
 * costs little). Answers the last read.
 */
export async function waitForCopy<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = COPY_WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  let delay = FIRST_DELAY_MS;
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, Math.max(0, deadline - Date.now()))));
    value = await read();
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
  return value;
}
