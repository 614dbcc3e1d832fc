// Hive Gateway is about 500 MB installed, so it is never part of the workspace's install: the
// HTTP benchmark installs it on demand with plain npm into bench/.hive (git-ignored), from a
// package.json of its own written here.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The version compared, pinned so that results stay comparable between runs. */
export const HIVE_GATEWAY_VERSION = '2.15.1';

const MANIFEST = {
  name: 'academy-bench-hive-gateway',
  private: true,
  description: 'Hive Gateway for pnpm bench:http; installed on demand, never part of the workspace.',
  dependencies: { '@graphql-hive/gateway': HIVE_GATEWAY_VERSION },
  // The registry this project uses only resolves Hive Gateway's tree with this version.
  overrides: { '@graphql-tools/batch-execute': '10.2.0' },
};

function installedVersion(dir: string): string | null {
  const manifest = join(dir, 'node_modules', '@graphql-hive', 'gateway', 'package.json');
  if (!existsSync(manifest)) return null;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version ?? null;
}

/** Installs Hive Gateway into `dir` unless the pinned version is there; resolves with its CLI's path. */
export async function ensureHiveGateway(dir: string, log: (line: string) => void): Promise<string> {
  const bin = join(dir, 'node_modules', '@graphql-hive', 'gateway', 'dist', 'bin.js');
  if (installedVersion(dir) === HIVE_GATEWAY_VERSION && existsSync(bin)) return bin;
  log(`installing Hive Gateway ${HIVE_GATEWAY_VERSION} into ${dir} (once; about 500 MB)`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(MANIFEST, null, 2)}\n`);
  await new Promise<void>((resolve, reject) => {
    const npm = spawn('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
    npm.once('error', reject);
    npm.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm install in ${dir} failed (${code})`))));
  });
  if (installedVersion(dir) !== HIVE_GATEWAY_VERSION) throw new Error(`Hive Gateway ${HIVE_GATEWAY_VERSION} is not in ${dir} after npm install`);
  return bin;
}
