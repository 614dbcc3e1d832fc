// Hive Gateway is about 500 MB installed, so it is never part of the workspace's install: the
// HTTP benchmark installs it on demand with plain npm, from a package.json of its own written
// here, into a git-ignored directory. With its Rust query planner (@graphql-hive/router-runtime,
// a native addon built for linux-x64 among others, shipped inside the package) it goes into a
// directory of its own, so that the plain Hive Gateway's tree stays the one measured before.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The versions compared, pinned so that results stay comparable between runs. */
export const HIVE_GATEWAY_VERSION = '2.15.1';
/** Hive Router's runtime for Hive Gateway: its query planner (Rust) and the executor of its plans. */
export const HIVE_ROUTER_RUNTIME_VERSION = '1.4.23';
/** The Rust query planner itself, the router runtime's dependency. */
export const HIVE_QUERY_PLANNER_VERSION = '0.0.38';

/** Which Hive Gateway an install holds: its default JavaScript planner, or with the Rust planner. */
export type HivePlanner = 'javascript' | 'rust';

/** The packages each install holds, by name and pinned version. */
function pinnedPackages(planner: HivePlanner): Record<string, string> {
  return {
    '@graphql-hive/gateway': HIVE_GATEWAY_VERSION,
    ...(planner === 'rust'
      ? { '@graphql-hive/router-runtime': HIVE_ROUTER_RUNTIME_VERSION, '@graphql-hive/router-query-planner': HIVE_QUERY_PLANNER_VERSION }
      : {}),
  };
}

function manifest(planner: HivePlanner) {
  return {
    name: planner === 'rust' ? 'academy-bench-hive-gateway-rust' : 'academy-bench-hive-gateway',
    private: true,
    description: 'Hive Gateway for pnpm bench:http; installed on demand, never part of the workspace.',
    dependencies: pinnedPackages(planner),
    // The registry this project uses only resolves Hive Gateway's tree with this version.
    overrides: { '@graphql-tools/batch-execute': '10.2.0' },
  };
}

function installedVersion(dir: string, name: string): string | null {
  const file = join(dir, 'node_modules', ...name.split('/'), 'package.json');
  if (!existsSync(file)) return null;
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? null;
}

/** The pinned packages missing from `dir` or there in another version. */
function outdated(dir: string, planner: HivePlanner): string[] {
  return Object.entries(pinnedPackages(planner))
    .filter(([name, version]) => installedVersion(dir, name) !== version)
    .map(([name, version]) => `${name}@${version}`);
}

/**
 * Installs Hive Gateway (with the Rust planner for `rust`) into `dir` unless the pinned
 * versions are there; resolves with its CLI's path.
 */
export async function ensureHiveGateway(dir: string, planner: HivePlanner, log: (line: string) => void): Promise<string> {
  const bin = join(dir, 'node_modules', '@graphql-hive', 'gateway', 'dist', 'bin.js');
  if (outdated(dir, planner).length === 0 && existsSync(bin)) return bin;
  log(`installing ${Object.entries(pinnedPackages(planner)).map(([name, version]) => `${name}@${version}`).join(', ')} into ${dir} (once; about 500 MB)`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest(planner), null, 2)}\n`);
  await new Promise<void>((resolve, reject) => {
    const npm = spawn('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
    npm.once('error', reject);
    npm.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm install in ${dir} failed (${code})`))));
  });
  const missing = outdated(dir, planner);
  if (missing.length > 0) throw new Error(`${missing.join(', ')} not in ${dir} after npm install`);
  return bin;
}
