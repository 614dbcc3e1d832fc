// Compiles the services to plain JavaScript: every packages/*/src, subgraphs/*/src, gateway/src
// and single-process/src file becomes the same path under the package's dist/ (where the packages'
// "exports" point outside development), one file per file, no bundling. Services then start
// on Node alone, without a TypeScript loader: faster, and each process smaller.
// Type checking is `pnpm typecheck`; this only strips types (about a second for everything).
// It also bundles the gateway's playground page (gateway/playground/dist) when its sources changed.
// Usage: pnpm build [--quiet]
import { build } from 'esbuild';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlayground, playgroundIsBuilt } from '../gateway/src/playground/build.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The packages whose src/ the services run, each compiled to its own dist/. */
export function servicePackages(): string[] {
  const under = (folder: string) => readdirSync(join(ROOT, folder)).map((name) => join(ROOT, folder, name));
  return [...under('packages'), ...under('subgraphs'), join(ROOT, 'gateway'), join(ROOT, 'single-process')].filter((dir) => {
    try {
      return statSync(join(dir, 'src')).isDirectory();
    } catch {
      return false;
    }
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/**
 * Puts the files of `staging` in place of those of `dist`, one rename each, then removes what
 * `dist` held besides (outputs of deleted sources). A service started meanwhile, by another
 * `pnpm start` or by the supervisor restarting one, never finds a file missing or half written.
 */
function replaceFiles(staging: string, dist: string): void {
  const fresh = new Set(filesUnder(staging));
  for (const file of fresh) {
    mkdirSync(dirname(join(dist, file)), { recursive: true });
    renameSync(join(staging, file), join(dist, file));
  }
  for (const file of filesUnder(dist)) if (!fresh.has(file)) rmSync(join(dist, file), { force: true });
  rmSync(staging, { recursive: true, force: true });
}

export async function buildServices({ quiet = false }: { quiet?: boolean } = {}): Promise<void> {
  const started = performance.now();
  let files = 0;
  for (const dir of servicePackages()) {
    const entryPoints = sourceFiles(join(dir, 'src'));
    files += entryPoints.length;
    const dist = join(dir, 'dist');
    const staging = join(dir, `dist.building-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(dist, { recursive: true });
    await build({
      entryPoints,
      outdir: staging,
      outbase: join(dir, 'src'),
      bundle: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'linked',
      logLevel: 'error',
    });
    replaceFiles(staging, dist);
  }
  if (!playgroundIsBuilt()) await buildPlayground({ quiet });
  if (!quiet) {
    const where = servicePackages().map((dir) => relative(ROOT, dir)).join(', ');
    process.stdout.write(`compiled ${files} files in ${Math.round(performance.now() - started)} ms (${where})\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildServices({ quiet: process.argv.includes('--quiet') });
}
