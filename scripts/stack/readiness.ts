/** A process to wait for, by its readiness URL. */
export interface ReadinessTarget {
  name: string;
  /** Its `/readyz` URL. */
  url: string;
}

/** Thrown when some targets were not ready by the deadline; names each with its last answer. */
export class NotReadyError extends Error {
  constructor(readonly pending: { name: string; url: string; last: string }[], timeoutMs: number) {
    super(`not ready after ${timeoutMs / 1000} s: ${pending.map((p) => `${p.name} (${p.url}: ${p.last})`).join(', ')}`);
    this.name = 'NotReadyError';
  }
}

async function probe(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    await response.arrayBuffer();
    return response.status === 200 ? 'ready' : `answered ${response.status}`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return `no answer (${cause?.code ?? (error as Error).name})`;
  }
}

/**
 * Polls each target's `/readyz` until it answers 200. Rejects with {@link NotReadyError} after
 * `timeoutMs`, or as soon as `signal` aborts (the supervisor is stopping).
 */
export async function waitUntilReady(targets: ReadinessTarget[], options: { timeoutMs: number; signal: AbortSignal }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const last = new Map(targets.map((t) => [t.name, 'not asked yet']));
  let pending = [...targets];
  while (pending.length > 0) {
    options.signal.throwIfAborted();
    const answers = await Promise.all(pending.map((t) => probe(t.url)));
    answers.forEach((answer, i) => last.set(pending[i]!.name, answer));
    pending = pending.filter((_, i) => answers[i] !== 'ready');
    if (pending.length === 0) return;
    if (Date.now() >= deadline) {
      throw new NotReadyError(pending.map((t) => ({ ...t, last: last.get(t.name) ?? '' })), options.timeoutMs);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
