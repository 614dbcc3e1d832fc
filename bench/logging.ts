// The cost of one access line, as each way of writing it costs on this machine: the logger
// this project had (JSON.stringify and a synchronous write per line), pino writing each line
// synchronously, and pino writing asynchronously (lines gathered while a write is under way,
// flushed synchronously at exit), the last with the request scope every line reads its id from.
// Lines go to a file, as stderr usually goes to a pipe or a file a collector reads.
//   pnpm bench:logging [--lines 200000]
import { createWriteStream, mkdtempSync, rmSync, writeSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger, logDestination, requestLogger, type LogDestination } from '../packages/service-kit/src/logger.js';

const linesArg = process.argv.indexOf('--lines');
const LINES = linesArg > 0 ? Number(process.argv[linesArg + 1]) : 200_000;
const dir = mkdtempSync(join(tmpdir(), 'academy-bench-logging-'));

const accessFields = (i: number) => ({
  method: 'POST',
  path: '/graphql',
  operationName: 'CourseCatalogue',
  status: 200,
  durationMs: 3.21,
  errorCodes: [] as string[],
  fetches: { count: 2, subgraphs: [{ subgraph: 'learning', durationMs: 1.2 }, { subgraph: 'scheduling', durationMs: 0.9 + (i % 3) }] },
});

/** The logger this project had before pino: one JSON.stringify and one write per line. */
function handWritten(fd: number) {
  return (fields: Record<string, unknown>) => {
    const entry = { time: new Date().toISOString(), level: 'info', msg: 'request', service: 'gateway', ...fields };
    writeSync(fd, `${JSON.stringify(entry)}\n`);
  };
}

async function measure(name: string, setUp: (file: string) => { line: (i: number) => void; done: () => Promise<void> }) {
  const file = join(dir, `${name.replace(/\W+/g, '-')}.log`);
  const { line, done } = setUp(file);
  for (let i = 0; i < 5_000; i += 1) line(i); // warm-up
  const started = performance.now();
  for (let i = 0; i < LINES; i += 1) {
    line(i);
    // A request's worth of other work lets an asynchronous destination write in between.
    if (i % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await done();
  const ns = ((performance.now() - started) * 1e6) / LINES;
  process.stdout.write(`${name.padEnd(48)} ${ns.toFixed(0).padStart(6)} ns per line\n`);
}

const pinoTo = (file: string, sync: boolean) => {
  const destination = logDestination({ dest: file, sync });
  return { destination, flush: () => new Promise<void>((resolve) => (sync ? resolve() : destination.flush(() => resolve()))) };
};

await measure('hand-written JSON, writeSync per line', (file) => {
  const fd = openSync(file, 'w');
  const log = handWritten(fd);
  return { line: (i) => log({ requestId: `r-${i}`, ...accessFields(i) }), done: async () => closeSync(fd) };
});
for (const sync of [true, false]) {
  await measure(`pino, ${sync ? 'synchronous' : 'asynchronous'} destination`, (file) => {
    const { destination, flush } = pinoTo(file, sync);
    const logger = createLogger('info', { service: 'gateway' }, { destination: destination as LogDestination });
    return { line: (i) => logger.info('request', { requestId: `r-${i}`, ...accessFields(i) }), done: flush };
  });
}
await measure("pino, asynchronous, through a request's child logger", (file) => {
  const { destination, flush } = pinoTo(file, false);
  const logger = createLogger('info', { service: 'gateway' }, { destination: destination as LogDestination });
  return { line: (i) => requestLogger(logger, `r-${i}`).info('request', accessFields(i)), done: flush };
});
await measure('pino, level above info (line not written)', () => {
  const logger = createLogger('warn', { service: 'gateway' }, { destination: createWriteStream('/dev/null') as unknown as LogDestination });
  return { line: (i) => logger.info('request', { requestId: `r-${i}`, ...accessFields(i) }), done: async () => undefined };
});
rmSync(dir, { recursive: true, force: true });
