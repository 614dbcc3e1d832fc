import { fork, type ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import type { Output } from './output.js';

/** How a child process ended. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process the supervisor started and will stop (and restart, once the stack is up). */
export interface ManagedProcess {
  name: string;
  /** The current process: replaced on each restart. */
  child: ChildProcess;
  /** Stop order: higher tiers stop first (gateways, then subgraphs, then PostgreSQL). */
  tier: number;
  /** Settles when the current process has exited. */
  exited: Promise<ExitStatus>;
  /** How long it gets to stop once asked, before SIGTERM and then SIGKILL. */
  stopTimeoutMs: number;
  /** True once it has crashed too often and is no longer restarted. */
  givenUp: boolean;
}

/** When and how often a process that exits is started again. */
export interface RestartPolicy {
  /** Wait before the first restart; doubled for each further exit within `windowMs`. */
  firstDelayMs: number;
  /** Longest wait before a restart. */
  maxDelayMs: number;
  /** Exits within `windowMs` after which the process is given up. */
  maxExits: number;
  windowMs: number;
}

/** 5 exits within a minute: given up. Restarts after 0.25, 0.5, 1 and 2 s. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = { firstDelayMs: 250, maxDelayMs: 10_000, maxExits: 5, windowMs: 60_000 };

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
  /** Called with each new process after a restart (e.g. to wait until it is ready again). */
  onRestart?: (child: ChildProcess) => void;
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
 * Starts the stack's processes, restarts those that exit, and stops them in order. Each child
 * runs in its own process group (so a Ctrl-C in the terminal reaches only the supervisor, which
 * then stops everything in order) with an IPC channel (so a child whose supervisor dies, even by
 * SIGKILL, sees the disconnect and stops itself).
 *
 * While the stack starts, a child that exits ends the start-up (something is wrong with the
 * set-up, and restarting would only repeat it). Once {@link serving} has been called, a child
 * that exits is started again with the same settings (and so on the same port) after a backoff,
 * and one that exits `maxExits` times within `windowMs` is given up while the others keep serving.
 */
export class Supervisor {
  private readonly processes: ManagedProcess[] = [];
  private readonly controller = new AbortController();
  private stopPromise: Promise<never> | undefined;
  private forced = false;
  private restarting = false;
  private readonly restartTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly out: Output,
    private readonly cwd: string,
    private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY,
  ) {}

  /** The stack is up: from now on a process that exits is restarted rather than ending the stack. */
  serving(): void {
    this.restarting = true;
  }

  /** Aborted as soon as shutting down begins: long waits watch it. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once shutting down has begun. */
  get stopping(): boolean {
    return this.stopPromise !== undefined;
  }

  /**
   * Forks `entry` with output passed through under `name`. An unexpected exit shuts the stack
   * down while it starts, and restarts the process once it is serving.
   */
  fork(options: ForkOptions): ManagedProcess {
    if (this.stopping) throw new Error(`not starting ${options.name}: shutting down`);
    const first = this.spawn(options);
    const managed: ManagedProcess = { name: options.name, child: first.child, tier: options.tier, exited: first.exited, stopTimeoutMs: options.stopTimeoutMs, givenUp: false };
    this.processes.push(managed);
    const exits: number[] = [];
    const watch = (exited: Promise<ExitStatus>, pid: number | undefined) => {
      void exited.then((status) => {
        if (this.stopping) return;
        if (!this.restarting) {
          void this.shutdown(1, `${options.name} exited unexpectedly (${describeExit(status)})`);
          return;
        }
        // Whatever it left behind in its group (a server it started) would hold its port.
        if (pid !== undefined) signalGroup(pid, 'SIGKILL');
        const now = Date.now();
        exits.push(now);
        while (exits.length > 0 && exits[0]! <= now - this.policy.windowMs) exits.shift();
        if (exits.length >= this.policy.maxExits) {
          managed.givenUp = true;
          this.out.error(
            `${options.name} exited (${describeExit(status)}) ${exits.length} times within ${this.policy.windowMs / 1000} s: ` +
              'giving up on it; the other services keep serving (restart the stack once the cause is fixed)',
          );
          return;
        }
        const delayMs = Math.min(this.policy.maxDelayMs, this.policy.firstDelayMs * 2 ** (exits.length - 1));
        this.out.error(`${options.name} exited unexpectedly (${describeExit(status)}); restarting it in ${(delayMs / 1000).toFixed(2)} s (restart ${exits.length} within ${this.policy.windowMs / 1000} s)`);
        const timer = setTimeout(() => {
          this.restartTimers.delete(timer);
          if (this.stopping) return;
          const next = this.spawn(options);
          managed.child = next.child;
          managed.exited = next.exited;
          this.out.info(`${options.name} restarted (pid ${next.child.pid ?? 'none'})`);
          options.onRestart?.(next.child);
          watch(next.exited, next.child.pid);
        }, delayMs);
        this.restartTimers.add(timer);
      });
    };
    watch(first.exited, first.child.pid);
    return managed;
  }

  /** Forks one process of `options`, its output passed through. */
  private spawn(options: ForkOptions): { child: ChildProcess; exited: Promise<ExitStatus> } {
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
    return { child, exited };
  }

  /**
   * Stops every child, highest tier first (each tier's processes together), then exits the
   * supervisor with `code`. Called again while stopping, it does nothing.
   */
  shutdown(code: number, reason: string): Promise<never> {
    if (this.stopPromise) return this.stopPromise;
    this.controller.abort();
    for (const timer of this.restartTimers) clearTimeout(timer);
    this.restartTimers.clear();
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
