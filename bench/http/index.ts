// HTTP operations side by side: our gateway, Hive Gateway over the same supergraph and
// subgraphs, and the floor (the same answers from hand-written SQL), under the same load from
// autocannon; on request also our gateway with the six subgraphs in its own process (`single`,
// the stack's STACK_LAYOUT=single) and Hive Gateway with Hive Router's Rust query planner
// (`hive-rust`). The operations (operations.ts) cover every domain, writes
// included (a booking and a chat message, writes.ts). Reports throughput, latency, errors (every
// response is checked), SQL statements, peak memory and CPU per request, and appends the table to
// BENCHMARKS.md. Run on purpose:
//   pnpm bench:http [--scale 5] [--connections 32] [--seconds 20] [--workers 1] [--servers ours,hive,floor] [--workloads all|mix]
//   (--servers takes any of ours,single,hive,hive-rust,floor; --workers processes of each)
// It starts its own stack on bench/.data-http/scale-<N> (seeded once per scale) and installs
// Hive Gateway into bench/.hive (with the Rust planner into bench/.hive-rust) the first time it
// is asked for.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../db/src/config.js';
import { SUBGRAPH_DATABASES } from '../../db/src/subgraphs.js';
import { expectedAnswers, referenceAnswer } from './answers.js';
import { ensureHiveGateway, type HivePlanner } from './hive/install.js';
import { percentile, runLoad } from './load.js';
import { samplePeakMemory } from './memory.js';
import { MIX_WEIGHTS, mixOrder, OPERATIONS, type OperationName } from './operations.js';
import { parseOptions, type BenchOptions, type ServerName } from './options.js';
import { markdownReport, type Measurement } from './report.js';
import { FLOOR_ROLE, ourGateway, postgresProcesses, SERVER_TITLES, startFloor, startHiveGateway, startSingleProcess, subgraphProcesses, type ServerUnderTest } from './servers.js';
import { countCpu, settle } from './cpu.js';
import { measureOperationLimits } from './limits.js';
import { StatementCounter } from './sql-statements.js';
import { ensureStatementStatistics, startStack, type Stack, type StackOptions } from './stack.js';
import { chooseVariants, describeData, VARIANTS_PER_OPERATION, type Variant } from './variants.js';
import { runFlowOnce, type BookingPool } from './writes.js';

/** Each Hive Gateway's install directory, by its planner (apart, so that neither changes the other's tree). */
const HIVE_DIRS: Record<HivePlanner, string> = {
  javascript: join(REPO_ROOT, 'bench', '.hive'),
  rust: join(REPO_ROOT, 'bench', '.hive-rust'),
};
/** The Hive Gateway servers, by the planner each runs. */
const HIVE_SERVERS = { hive: 'javascript', 'hive-rust': 'rust' } as const satisfies Partial<Record<ServerName, HivePlanner>>;
type HiveServerName = keyof typeof HIVE_SERVERS;
const isHiveServer = (name: ServerName): name is HiveServerName => name in HIVE_SERVERS;
/** The warm-up before each server's measurements: long enough for JIT and pools, at most 10 s. */
const warmUpSeconds = (options: BenchOptions) => Math.min(10, options.seconds);

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** What is running and must be stopped, newest first, on the way out whatever happens. */
const running: { stop(): Promise<void> }[] = [];
async function stopAll(): Promise<void> {
  while (running.length > 0) await running.pop()!.stop().catch((error: Error) => log(`stopping: ${error.message}`));
}

/** Whether an operation's requests are the steps of one flow, sent together (the booking). */
const isChain = (requests: Variant[]) => (requests[0]?.step?.count ?? 1) > 1;

/**
 * The mix as requests: operations in their weighted order, each cycling through its own
 * requests; a flow of several steps (the booking) is all its steps, one after the other.
 */
function mixRequests(variants: Record<OperationName, Variant[]>): Variant[] {
  const next = new Map<OperationName, number>();
  const total = Object.values(MIX_WEIGHTS).reduce((a, b) => a + b, 0);
  return mixOrder(MIX_WEIGHTS, total * VARIANTS_PER_OPERATION).flatMap((operation) => {
    const own = variants[operation];
    if (isChain(own)) return own;
    const i = next.get(operation) ?? 0;
    next.set(operation, i + 1);
    return [own[i % own.length]!];
  });
}

/** The flows among `requests`: each first step with the steps that follow it. */
function flowsOf(requests: Variant[]): Variant[][] {
  return requests
    .filter((variant) => variant.step?.index === 0)
    .map((first) => [
      first,
      ...requests.filter((v) => v.operation === first.operation && (v.step?.index ?? 0) > 0).sort((a, b) => a.step!.index - b.step!.index),
    ]);
}

/** Bookings a measurement of `seconds` may make at most, for the pool to have a pair for each (more than any server here books). */
const bookingsBound = (requests: Variant[], seconds: number) => (requests.some((v) => v.operation === 'booking') ? (seconds + 10) * 300 : 0);

interface Context {
  options: BenchOptions;
  stackOptions: StackOptions;
  stack: Stack;
  statements: StatementCounter;
  bookings: BookingPool;
}

const perRequestMs = (seconds: number, responses: number) => (responses > 0 ? (seconds * 1000) / responses : NaN);

/** One measurement of `requests` (cycled through) on `server`. */
async function measure(context: Context, server: ServerUnderTest, workload: string, requests: Variant[], seconds: number): Promise<Measurement> {
  const { stack, statements, options } = context;
  const referenceUrl = stack.gatewayUrls[0]!;
  // Reads are compared with the reference's answers; a write's steps check their own answers.
  const distinct = [...new Set(requests)].filter((variant) => !variant.step);
  const flows = flowsOf([...new Set(requests)]);
  await context.bookings.ensure(bookingsBound(requests, seconds) + flows.length);
  const { expected, wrong } = await expectedAnswers(referenceUrl, server.urls[0]!, distinct);
  for (const flow of flows) {
    const problem = await runFlowOnce(server.urls[0]!, flow.map((variant) => variant.step!));
    if (problem) wrong.push(`${flow[0]!.label}: ${problem}`);
  }
  for (const line of wrong.slice(0, 3)) log(`${SERVER_TITLES[server.name]}: wrong answer to ${line}`);
  const expectedOf = new Map(distinct.map((variant, i) => [variant, expected[i]!]));

  const groups = { server: server.processes, subgraphs: subgraphProcesses(stack), postgres: postgresProcesses(stack) };
  // What the last measurement's writes started (events relayed and consumed) finishes first.
  const settled = await settle(groups);
  log(`${SERVER_TITLES[server.name]}, ${workload}: the stack settled in ${settled.waitedSeconds.toFixed(1)} s (then ${(settled.idleCoresUsed * 100).toFixed(1)} % of a core)`);
  await statements.reset();
  const cpu = await countCpu(groups);
  const memory = samplePeakMemory({ server: server.processes, subgraphs: subgraphProcesses(stack) });
  const result = await runLoad({
    urls: server.urls,
    connections: options.connections,
    seconds,
    requests: requests.map((variant) => ({ variant, expected: expectedOf.get(variant) ?? null })),
  });
  const peaks = await memory.stop();
  const cpuUsed = await cpu.stop();
  const statementCount = await statements.count();

  for (const line of result.wrongExamples) log(`${SERVER_TITLES[server.name]}, ${workload}: wrong answer to ${line}`);
  if (context.bookings.missed > 0) {
    log(`${context.bookings.missed} bookings found no session scheduled for them (more than the bound allowed for): their requests failed`);
    context.bookings.missed = 0;
  }
  // Upcoming sessions depend on the time: one that starts during a measurement changes the
  // right answer, and the errors it causes are no server's fault. Say so when it happens.
  for (let i = 0; i < distinct.length; i++) {
    if ((await referenceAnswer(referenceUrl, distinct[i]!)) !== expected[i]!.canonical) {
      log(`the expected answer to ${distinct[i]!.label} changed during the measurement (time passed a session's start): its errors are not the server's`);
    }
  }
  return {
    workload,
    server: server.name,
    requestsPerSecond: result.correct / result.seconds,
    p50: percentile(result.latencies, 50),
    p95: percentile(result.latencies, 95),
    p99: percentile(result.latencies, 99),
    errors: result.wrong + result.failed,
    responses: result.responses,
    statementsPerRequest: result.responses > 0 ? statementCount / result.responses : 0,
    serverPeakBytes: peaks.server,
    subgraphsPeakBytes: server.usesSubgraphs ? peaks.subgraphs : null,
    cpuMsPerRequest: perRequestMs(cpuUsed.server + (server.usesSubgraphs ? cpuUsed.subgraphs : 0), result.responses),
    postgresCpuMsPerRequest: perRequestMs(cpuUsed.postgres, result.responses),
  };
}

async function startServer(context: Context, name: ServerName, gatewaySecret: string, hiveBins: Map<HiveServerName, string>): Promise<ServerUnderTest> {
  const { stack, options } = context;
  if (name === 'ours') return ourGateway(stack);
  if (name === 'single') return startSingleProcess(stack, { ...context.stackOptions, workers: options.workers });
  if (isHiveServer(name)) {
    const bin = hiveBins.get(name);
    if (!bin) throw new Error(`${SERVER_TITLES[name]} is not installed`);
    return startHiveGateway(stack, { name, bin, dir: HIVE_DIRS[HIVE_SERVERS[name]], workers: options.workers, gatewaySecret });
  }
  return startFloor(stack, { workers: options.workers });
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      log(`${signal}: stopping`);
      void stopAll().then(() => process.exit(130));
    });
  }

  // Before the stack starts: installing takes a minute and the stack would sit idle meanwhile.
  const hiveBins = new Map<HiveServerName, string>();
  for (const name of options.servers.filter(isHiveServer)) {
    const planner = HIVE_SERVERS[name];
    hiveBins.set(name, await ensureHiveGateway(HIVE_DIRS[planner], planner, log));
  }

  const { privateKey } = generateKeyPairSync('ed25519');
  const key = { privateKey, keyId: 'bench-http' };
  const gatewaySecret = randomBytes(32).toString('base64url');
  const stackOptions: StackOptions = {
    dataDir: join(REPO_ROOT, 'bench', '.data-http', `scale-${options.scale}`),
    scale: options.scale,
    gateways: options.workers,
    gatewaySecret,
    jwtPrivateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    jwtKeyId: key.keyId,
    logLevel: options.logLevel,
  };
  const measurements: Measurement[] = [];
  let data = '';
  let limitsMicroseconds = NaN;
  try {
    log(`starting the stack on ${stackOptions.dataDir} (the first run at a scale seeds it)`);
    let stack = await startStack(stackOptions, log);
    running.push(stack);
    if (!(await ensureStatementStatistics(stack.adminUrl))) {
      log('PostgreSQL now loads pg_stat_statements (once per data folder): restarting the stack');
      await running.pop()!.stop();
      stack = await startStack(stackOptions, log);
      running.push(stack);
      if (!(await ensureStatementStatistics(stack.adminUrl))) throw new Error('pg_stat_statements is still not loaded after a restart');
    }
    data = await describeData(stack.adminUrl);
    log(`data: ${data}`);
    const { variants, bookings } = await chooseVariants(stack.adminUrl, stack.gatewayUrls[0]!, key);
    const statements = new StatementCounter(stack.adminUrl, [...SUBGRAPH_DATABASES.map((s) => s.role), FLOOR_ROLE]);
    await statements.open();
    running.push({ stop: () => statements.close() });
    const background = await statements.learnBackground();
    log(`background statements (not counted): ${background.length}`);
    const context: Context = { options, stackOptions, stack, statements, bookings };
    const mix = mixRequests(variants);
    limitsMicroseconds = measureOperationLimits(mix);
    log(`operation limits: ${limitsMicroseconds.toFixed(1)} µs of CPU per request of the mix`);

    for (const name of options.servers) {
      log(`${SERVER_TITLES[name]}: starting`);
      const server = await startServer(context, name, gatewaySecret, hiveBins);
      running.push(server);
      log(`${SERVER_TITLES[name]}: warming up for ${warmUpSeconds(options)} s`);
      const warmUp = await measure(context, server, 'warm-up', mix, warmUpSeconds(options));
      if (warmUp.errors > 0) log(`${SERVER_TITLES[name]}: ${warmUp.errors} errors while warming up`);
      for (const operation of options.workloads === 'all' ? (Object.keys(OPERATIONS) as OperationName[]) : []) {
        const measurement = await measure(context, server, OPERATIONS[operation].title, variants[operation], options.seconds);
        log(`${SERVER_TITLES[name]}, ${measurement.workload}: ${Math.round(measurement.requestsPerSecond)} req/s, p50 ${measurement.p50.toFixed(1)} ms, ${measurement.errors} errors, ${measurement.statementsPerRequest.toFixed(2)} statements/request`);
        measurements.push(measurement);
      }
      const measurement = await measure(context, server, 'mix', mix, options.seconds);
      log(`${SERVER_TITLES[name]}, mix: ${Math.round(measurement.requestsPerSecond)} req/s, p50 ${measurement.p50.toFixed(1)} ms, ${measurement.errors} errors`);
      measurements.push(measurement);
      await running.pop()!.stop();
    }
  } finally {
    await stopAll();
  }

  const mixText = (Object.keys(MIX_WEIGHTS) as OperationName[]).map((op) => `${OPERATIONS[op].title} ${MIX_WEIGHTS[op]}`).join(' : ');
  const report = markdownReport({ options, data, mix: mixText, measurements, limitsMicroseconds, date: new Date() });
  process.stdout.write(`${report}\n`);
  const file = join(REPO_ROOT, 'BENCHMARKS.md');
  if (!existsSync(file)) writeFileSync(file, '# Benchmarks\n\nMeasured on purpose (never in the tests). Newest results last.\n');
  const before = readFileSync(file, 'utf8');
  // A blank line before the new section, whatever the file ended with.
  appendFileSync(file, `${before.endsWith('\n\n') ? '' : before.endsWith('\n') ? '\n' : '\n\n'}${report}`);
  log(`appended to ${file}`);
}

await main();
