// The command line of `pnpm bench:http`, read once and checked; every problem is listed.

/**
 * ours: the stack's gateway; single: the gateway with the subgraphs in its process; hive: Hive
 * Gateway (its JavaScript query planner); hive-rust: Hive Gateway with Hive Router's Rust query
 * planner; floor: hand-written SQL.
 */
export type ServerName = 'ours' | 'single' | 'hive' | 'hive-rust' | 'floor';
/** Every server `--servers` may name. */
export const SERVER_NAMES: readonly ServerName[] = ['ours', 'single', 'hive', 'hive-rust', 'floor'];
/** Measured unless --servers says otherwise. */
const DEFAULT_SERVERS: readonly ServerName[] = ['ours', 'hive', 'floor'];

export interface BenchOptions {
  /** Demo data scale (`pnpm db seed --scale`): 1 is about 2,000 users, 50 about 100,000. */
  scale: number;
  /** Concurrent keep-alive connections of the load generator. */
  connections: number;
  /** Length of each measurement. */
  seconds: number;
  /** Processes of each server (our GATEWAY_PROCESSES, Hive's --fork, the floor's cluster). */
  workers: number;
  /** The servers to measure, in this order. */
  servers: ServerName[];
  /** LOG_LEVEL of our processes: `info` writes an access line per request, `warn` (default) none. */
  logLevel: 'warn' | 'info';
  /** `all`: each operation alone, then the mix; `mix`: the mix alone (for comparing two builds). */
  workloads: 'all' | 'mix';
}

export const USAGE = 'pnpm bench:http [--scale 5] [--connections 32] [--seconds 20] [--workers 1] [--servers ours,single,hive,hive-rust,floor] [--log-level warn|info] [--workloads all|mix]';

const DEFAULTS: Record<string, string> = { scale: '5', connections: '32', seconds: '20', workers: '1', servers: DEFAULT_SERVERS.join(','), 'log-level': 'warn', workloads: 'all' };

export function parseOptions(argv: string[]): BenchOptions {
  const given = new Map<string, string>();
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const name = flag.replace(/^--/, '');
    if (!flag.startsWith('--') || !(name in DEFAULTS)) problems.push(`unknown option ${flag}`);
    else if (argv[i + 1] === undefined) problems.push(`${flag} needs a value`);
    else given.set(name, argv[i + 1]!);
  }
  const value = (name: string) => given.get(name) ?? DEFAULTS[name]!;
  const integer = (name: string, min: number, max: number) => {
    const n = Number(value(name));
    if (!Number.isInteger(n) || n < min || n > max) problems.push(`--${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
  const options: BenchOptions = {
    scale: integer('scale', 1, 200),
    connections: integer('connections', 1, 10_000),
    seconds: integer('seconds', 1, 3600),
    workers: integer('workers', 1, 64),
    servers: value('servers').split(',').map((s) => s.trim()) as ServerName[],
    logLevel: value('log-level') as BenchOptions['logLevel'],
    workloads: value('workloads') as BenchOptions['workloads'],
  };
  if (!['all', 'mix'].includes(options.workloads)) problems.push('--workloads takes all or mix');
  if (!['warn', 'info'].includes(options.logLevel)) problems.push('--log-level takes warn or info');
  const unknown = options.servers.filter((s) => !SERVER_NAMES.includes(s));
  if (unknown.length > 0 || options.servers.length === 0) problems.push(`--servers takes some of ${SERVER_NAMES.join(',')}`);
  if (new Set(options.servers).size !== options.servers.length) problems.push('--servers names a server twice');
  if (problems.length > 0) throw new Error(`${problems.join('\n')}\nusage: ${USAGE}`);
  return options;
}

/** The command that reproduces a run, every option spelled out. */
export function commandLine(options: BenchOptions): string {
  return `pnpm bench:http --scale ${options.scale} --connections ${options.connections} --seconds ${options.seconds} --workers ${options.workers} --servers ${options.servers.join(',')}${options.logLevel === 'warn' ? '' : ` --log-level ${options.logLevel}`}${options.workloads === 'all' ? '' : ` --workloads ${options.workloads}`}`;
}
