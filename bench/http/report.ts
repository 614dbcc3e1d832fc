// The markdown section a run adds to BENCHMARKS.md: how it was run, on what, and its figures.
import { cpus, totalmem } from 'node:os';
import { HIVE_GATEWAY_VERSION, HIVE_QUERY_PLANNER_VERSION, HIVE_ROUTER_RUNTIME_VERSION } from './hive/install.js';
import { commandLine, type BenchOptions, type ServerName } from './options.js';
import { SERVER_TITLES } from './servers.js';

/** One measurement: one workload (an operation alone, or the mix) on one server. */
export interface Measurement {
  workload: string;
  server: ServerName;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Wrong answers and requests without one. */
  errors: number;
  /** Of this many responses. */
  responses: number;
  statementsPerRequest: number;
  serverPeakBytes: number;
  /** null where the server does not use the subgraphs. */
  subgraphsPeakBytes: number | null;
  /** CPU time of the server's processes (and the subgraphs', where it uses them) per response. */
  cpuMsPerRequest: number;
  /** CPU time of PostgreSQL's processes per response. */
  postgresCpuMsPerRequest: number;
}

export function machine(): string {
  const cores = cpus();
  return `${cores.length} cores (${cores[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

const ms = (value: number) => (Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(2) : value.toFixed(1));
const mb = (bytes: number | null) => (bytes === null ? '–' : String(Math.round(bytes / 2 ** 20)));
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)}` : '–');

export function markdownReport(input: {
  options: BenchOptions;
  data: string;
  mix: string;
  measurements: Measurement[];
  /** CPU time of the gateway's operation-limit check per request of the mix (bench/http/limits.ts). */
  limitsMicroseconds?: number;
  date: Date;
}): string {
  const { options, measurements } = input;
  const workloads = [...new Set(measurements.map((m) => m.workload))];
  const find = (workload: string, server: ServerName) => measurements.find((m) => m.workload === workload && m.server === server);
  const lines = [
    `### HTTP operations side by side: ${options.servers.map((s) => SERVER_TITLES[s]).join(', ')}, ${input.date.toISOString().slice(0, 10)}`,
    '',
    `Command: \`${commandLine(options)}\``,
    `Machine: ${machine()}. The load generator (autocannon, in the harness's process), the servers, the subgraphs and PostgreSQL share this machine.`,
    `Data: demo data at scale ${options.scale} (${input.data}).`,
    `Servers: our gateway (GATEWAY_PROCESSES); Hive Gateway ${HIVE_GATEWAY_VERSION} (\`hive-gateway supergraph\` on the same supergraph and subgraphs, its defaults, ` +
      'bench/http/hive/caller-plugin.ts verifying the access token and signing the caller as our gateway does; --fork); ' +
      (options.servers.includes('hive-rust')
        ? `Hive Gateway ${HIVE_GATEWAY_VERSION} with Hive Router's runtime (@graphql-hive/router-runtime ${HIVE_ROUTER_RUNTIME_VERSION}, ` +
          `its Rust query planner @graphql-hive/router-query-planner ${HIVE_QUERY_PLANNER_VERSION} as a native addon, and its plan executor; ` +
          'bench/http/hive/gateway-rust.config.ts: the same configuration and caller plugin with its `unifiedGraphHandler`); '
        : '') +
      'the floor (bench/http/floor: node:http, one pg pool, one prepared statement per operation; node:cluster).' +
      (options.servers.includes('single')
        ? ' Our gateway with the subgraphs in its process: single-process/ (`pnpm start` with STACK_LAYOUT=single), a process running the gateway and the six subgraphs (one per worker, each on its own port), each fetch of a plan executed in process (no HTTP).'
        : ''),
    `Each server in turn, alone, after a warm-up with the mix: each operation alone for ${options.seconds} s, then the mix (${input.mix}), ` +
      `at ${options.connections} connections, ${options.workers} process${options.workers === 1 ? '' : 'es'} per server. ` +
      'req/s counts right answers only; every response is compared with the expected answer and a wrong one is an error. ' +
      'SQL statements per request: calls in pg_stat_statements by the subgraphs\' and the floor\'s roles, background polling left out. ' +
      'Peak RSS: the server\'s processes, and the six subgraphs\' together. ' +
      'CPU per request: the CPU time the server\'s processes (with the subgraphs\', where it uses them) and PostgreSQL\'s used during the measurement, over its responses; each measurement starts once they use less than a tenth of a core together (the events an earlier measurement\'s writes published relayed and consumed).',
    ...(input.limitsMicroseconds !== undefined && !Number.isNaN(input.limitsMicroseconds)
      ? [
          `Operation limits (cost, depth, aliases, directives; checked by our gateway before planning, at their defaults): ${input.limitsMicroseconds.toFixed(1)} µs of CPU per request of the mix, ` +
            'the check alone run on the mix\'s requests in the harness\'s process (bench/http/limits.ts); part of our gateway\'s CPU per request above.',
        ]
      : []),
    '',
    '| operation | server | req/s | p50 ms | p95 ms | p99 ms | errors | SQL statements / request | server peak RSS MB | subgraphs peak RSS MB | CPU ms / request: server (+ subgraphs) | CPU ms / request: PostgreSQL |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...measurements.map(
      (m) =>
        `| ${m.workload} | ${SERVER_TITLES[m.server]} | ${Math.round(m.requestsPerSecond)} | ${ms(m.p50)} | ${ms(m.p95)} | ${ms(m.p99)} | ` +
        `${m.errors} of ${m.responses} | ${m.statementsPerRequest.toFixed(2)} | ${mb(m.serverPeakBytes)} | ${mb(m.subgraphsPeakBytes)} | ` +
        `${ms(m.cpuMsPerRequest)} | ${ms(m.postgresCpuMsPerRequest)} |`,
    ),
    '',
  ];
  const measured = (server: ServerName) => options.servers.includes(server);
  // Each ratio: a heading, the two servers and the figure, shown when both servers were measured.
  const comparisons: { heading: string; a: ServerName; b: ServerName; figure: 'requestsPerSecond' | 'p50' }[] = [
    { heading: 'ours/Hive req/s', a: 'ours', b: 'hive', figure: 'requestsPerSecond' },
    { heading: 'ours/Hive (Rust planner) req/s', a: 'ours', b: 'hive-rust', figure: 'requestsPerSecond' },
    { heading: 'Hive (Rust planner)/Hive req/s', a: 'hive-rust', b: 'hive', figure: 'requestsPerSecond' },
    { heading: 'ours/floor p50', a: 'ours', b: 'floor', figure: 'p50' },
    { heading: 'in process/floor p50', a: 'single', b: 'floor', figure: 'p50' },
  ];
  const shown = comparisons.filter((c) => measured(c.a) && measured(c.b));
  if (shown.length > 0) {
    lines.push(
      `| operation |${shown.map((c) => ` ${c.heading} |`).join('')}`,
      `|---|${shown.map(() => '---|').join('')}`,
      ...workloads.map((w) => `| ${w} |${shown.map((c) => ` ${ratio(find(w, c.a)?.[c.figure], find(w, c.b)?.[c.figure])} |`).join('')}`),
      '',
    );
  }
  return lines.join('\n');
}
