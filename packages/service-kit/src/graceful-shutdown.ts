// Stopping a server without leaving a request unanswered. The order, for a process behind a
// proxy: readiness answers 503 at once (the proxy's health checks take the process out), the
// listener stays open for the shutdown delay (connections the proxy still sends are served),
// then it closes (new connections are refused), keep-alive clients are told `Connection:
// close` with their last answer, idle connections end, and every request in flight is
// answered before the process goes on to close its pools, bounded by the shutdown timeout.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from './logger.js';

/** How long a stopping process waits for its in-flight requests by default. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** How a server stops. */
export interface ShutdownSettings {
  /** Longest wait for in-flight requests once the listener is closed; default 10 s. */
  timeoutMs?: number;
  /**
   * How long the listener stays open after readiness turned 503, so that a proxy's health
   * checks notice before connections are refused; default 0.
   */
  delayMs?: number;
}

/** A server's requests, followed so that it can stop without dropping one. */
export interface RequestDrain {
  /** True from the moment a stop begins. */
  readonly draining: boolean;
  /** Requests whose answer has not been sent yet. */
  readonly inFlight: number;
  /**
   * Begins the stop: readiness turns 503 and every answer from now on carries
   * `Connection: close`. Synchronous, so it can run the moment a signal arrives.
   */
  begin(): void;
  /**
   * Waits the shutdown delay, closes the listener and idle connections, and resolves once
   * every request in flight was answered, or after `timeoutMs` (the rest are cut, and logged).
   */
  close(): Promise<void>;
}

/** Follows `server`'s requests; call before it listens. */
export function drainRequests(server: Server, settings: ShutdownSettings & { logger: Logger }): RequestDrain {
  const timeoutMs = settings.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const delayMs = settings.delayMs ?? 0;
  const open = new Set<ServerResponse>();
  let draining = false;
  let idle: (() => void) | null = null;

  const closeAfter = (res: ServerResponse) => {
    // Only before the head is written; an answer already under way ends its connection below.
    if (!res.headersSent) res.setHeader('connection', 'close');
  };
  // Ahead of the server's own handler, which may answer synchronously.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    open.add(res);
    if (draining) closeAfter(res);
    res.once('close', () => {
      open.delete(res);
      if (draining && !res.req.socket.destroyed && res.getHeader('connection') !== 'close') res.req.socket.end();
      if (open.size === 0) idle?.();
    });
  });

  return {
    get draining() {
      return draining;
    },
    get inFlight() {
      return open.size;
    },
    begin() {
      if (draining) return;
      draining = true;
      for (const res of open) closeAfter(res);
    },
    async close() {
      this.begin();
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (server.listening) server.close();
      server.closeIdleConnections();
      if (open.size > 0) {
        settings.logger.info('waiting for requests in flight', { inFlight: open.size, timeoutMs });
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => (idle = resolve)),
          new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
        ]);
        clearTimeout(timer);
        idle = null;
        if (open.size > 0) settings.logger.warn('requests cut by the shutdown timeout', { unanswered: open.size, timeoutMs });
      }
      server.closeAllConnections();
    },
  };
}
