// A job run at start (so work that fell due while no process ran is done at once) and then every
// interval. Runs never overlap; a failed run is logged and the next interval tries again.
import type { Logger } from './logger.js';

/** A running periodic job. */
export interface PeriodicJob {
  /** Runs once now and then every interval; resolves after the first run. */
  start(): Promise<void>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
  /** Runs once now (after any run in progress); what the run counted. */
  runOnce(): Promise<number>;
}

export function createPeriodicJob(options: {
  /** What one run does, e.g. "releasing lapsed seat holds", for the log. */
  task: string;
  intervalMs: number;
  logger: Logger;
  /** One run; resolves to how many things it handled (logged when more than 0). */
  run: () => Promise<number>;
}): PeriodicJob {
  const { task, intervalMs, logger } = options;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> = Promise.resolve(0);

  const runOnce = (): Promise<number> => {
    const run = running.catch(() => 0).then(async () => {
      const handled = await options.run();
      if (handled > 0) logger.info(`${task} done`, { handled });
      return handled;
    });
    running = run;
    return run;
  };
  const tick = () => runOnce().catch((error: unknown) => logger.error(`${task} failed`, { err: error }));

  return {
    async start() {
      await tick();
      timer = setInterval(() => void tick(), intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running.catch(() => 0);
    },
    runOnce,
  };
}
