import { fork, type ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import type { Output } from './output.js';

/** How a child process ended. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process the supervisor started and will stop. */
export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** Stop order: higher tiers stop first (gateways, then subgraphs, then PostgreSQL). */
  tier: number;
  /** Settles when the process has exited. */
  exited: Promise<ExitStatus>;
  /** How long it gets to stop once asked, before SIGTERM and then SIGKILL. */
  stopTimeoutMs: number;
}

/** What to start, and how it is stopped. */
export interface ForkOptions {
  name: string;
  /** The file to run: TypeScript (run through tsx, the default) or compiled JavaScript. */
  entry: string;
  args?: string[];
  /** Node's flags for the child; by default those that run TypeScript sources. */
  execArgv?: string[];
  env: NodeJS.ProcessEnv;
  tier: number;
  /** How long it gets to stop once asked, before SIGTERM and then SIGKILL. */
  stopTimeoutMs: number;
}

/** Describes an exit for people: "code 1" or "signal SIGKILL". */
export function describeExit(status: ExitStatus): string {
  return status.signal ? `signal ${status.signal}` : `code ${status.code}`;
}

/** How long a process gets after SIGTERM, once asking it to stop has not worked. */
const TERM_GRACE_MS = 5_000;

const isRunning = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** Sends `signal` to a whole process group; false when the group is gone. */
function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts the stack's processes and stops them in order. Each child runs TypeScript through tsx
 * in its own process group (so a Ctrl-C in the terminal reaches only the supervisor, which then
 * stops everything in order) with an IPC channel (so a child whose supervisor dies, even by
 * SIGKILL, sees the disconnect and stops itself).
 */
export class Supervisor {
  private readonly processes: ManagedProcess[] = [];
  private readonly controller = new AbortController();
  private stopPromise: Promise<never> | undefined;
  private forced = false;

  constructor(
    private readonly out: Output,
    private readonly cwd: string,
  ) {}

  /** Aborted as soon as shutting down begins: long waits watch it. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once shutting down has begun. */
  get stopping(): boolean {
    return this.stopPromise !== undefined;
  }

  /** Forks `entry` with output passed through under `name`; an unexpected exit shuts the stack down. */
  fork(options: ForkOptions): ManagedProcess {
    if (this.stopping) throw new Error(`not starting ${options.name}: shutting down`);
    const child = fork(options.entry, options.args ?? [], {
      cwd: this.cwd,
      env: options.env,
      execArgv: options.execArgv ?? ['--conditions=source', '--import', 'tsx'],
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    if (child.stdout) this.out.pipe(options.name, child.stdout, 'stdout');
    if (child.stderr) this.out.pipe(options.name, child.stderr, 'stderr');
    const exited = new Promise<ExitStatus>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      // fork() reports a failure to spawn as an error without an exit.
      child.once('error', (error) => {
        if (child.pid === undefined) resolve({ code: 127, signal: null });
        this.out.error(`${options.name}: ${error.message}`);
      });
    });
    const managed: ManagedProcess = { name: options.name, child, tier: options.tier, exited, stopTimeoutMs: options.stopTimeoutMs };
    this.processes.push(managed);
    void exited.then((status) => {
      if (!this.stopping) void this.shutdown(1, `${options.name} exited unexpectedly (${describeExit(status)})`);
    });
    return managed;
  }

  /**
   * Stops every child, highest tier first (each tier's processes together), then exits the
   * supervisor with `code`. Called again while stopping, it does nothing.
   */
  shutdown(code: number, reason: string): Promise<never> {
    if (this.stopPromise) return this.stopPromise;
    this.controller.abort();
    if (code === 0) this.out.info(reason);
    else this.out.error(reason);
    if (this.processes.length === 0) process.exit(code);
    this.out.info('stopping');
    this.stopPromise = (async () => {
      const tiers = [...new Set(this.processes.map((p) => p.tier))].sort((a, b) => b - a);
      let clean = true;
      for (const tier of tiers) {
        const results = await Promise.all(this.processes.filter((p) => p.tier === tier).map((p) => this.stopOne(p)));
        clean &&= results.every(Boolean);
      }
      this.out.info(clean ? 'stopped' : 'stopped (some processes had to be killed)');
      process.exit(this.forced ? 1 : code);
    })();
    return this.stopPromise;
  }

  /** A second Ctrl-C: kill everything at once and exit. */
  forceStop(): never {
    this.forced = true;
    for (const p of this.processes) if (p.child.pid !== undefined) signalGroup(p.child.pid, 'SIGKILL');
    this.out.error('killed every process');
    process.exit(1);
  }

  /**
   * Asks `p` to stop and waits; true when it stopped by itself. The request is closing its IPC
   * channel, which every child treats as "stop cleanly" (service-kit's runProcess and the
   * embedded server): SIGTERM would also reach Apollo Server's own signal handler, whose
   * concurrent stop() never settles in @apollo/server 5.5.1 (its barrier is not resolved on
   * success), so each service would sit out runProcess's 10 s limit and exit 1. SIGTERM
   * follows if the channel is already gone or the process is still there after the timeout,
   * and SIGKILL to its whole group after that.
   */
  private async stopOne(p: ManagedProcess): Promise<boolean> {
    const pid = p.child.pid;
    if (pid === undefined) return true;
    const exitedWithin = async (ms: number) => {
      const timer = new AbortController();
      const result = await Promise.race([p.exited, delay(ms, null, { signal: timer.signal }).catch(() => null)]);
      timer.abort();
      return result;
    };
    let status: ExitStatus | null = null;
    if (isRunning(p.child)) {
      if (p.child.connected) {
        p.child.disconnect();
        status = await exitedWithin(p.stopTimeoutMs);
      }
      if (!status) {
        if (isRunning(p.child)) p.child.kill('SIGTERM');
        status = await exitedWithin(TERM_GRACE_MS);
      }
    } else {
      // Already gone (and reported, if it was unexpected): only its group is left to clear.
      await p.exited;
      signalGroup(pid, 'SIGKILL');
      return true;
    }
    if (!status) {
      this.out.error(`${p.name} did not stop: killing it`);
      signalGroup(pid, 'SIGKILL');
      await p.exited;
      return false;
    }
    // Whatever it started and left behind in its group goes too.
    signalGroup(pid, 'SIGKILL');
    if (status.code !== 0) this.out.warn(`${p.name} stopped with ${describeExit(status)}`);
    return true;
  }
}
