import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Log levels, as `LOG_LEVEL` has them. */
export type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Width of the name column: the longest subgraph name, "ai-analytics". */
const NAME_WIDTH = 12;

/** The supervisor's terminal output: its own lines, and its children's with their names in front. */
export interface Output {
  /** Progress, shown at LOG_LEVEL info and below. */
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
  /** Always shown: the ready line and credentials. */
  print(line: string): void;
  /** Passes `stream` through line by line, each line prefixed with `name`. */
  pipe(name: string, stream: Readable, to: 'stdout' | 'stderr'): void;
}

export function createOutput(level: Level): Output {
  // A reader that has gone away (a closed pipe) must not take the supervisor down with EPIPE.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  const show = (lineLevel: Level) => ORDER[lineLevel] >= ORDER[level];
  return {
    info: (line) => {
      if (show('info')) process.stdout.write(`${line}\n`);
    },
    warn: (line) => {
      if (show('warn')) process.stderr.write(`${line}\n`);
    },
    error: (line) => process.stderr.write(`${line}\n`),
    print: (line) => process.stdout.write(`${line}\n`),
    pipe(name, stream, to) {
      const prefix = `${name.padEnd(NAME_WIDTH)} | `;
      const target = to === 'stdout' ? process.stdout : process.stderr;
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => target.write(`${prefix}${line}\n`));
    },
  };
}
