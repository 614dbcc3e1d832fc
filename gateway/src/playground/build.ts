// Bundles the playground page (gateway/playground/app: GraphiQL, its explorer plugin, React,
// Monaco and its web workers) into static files with esbuild, served by the gateway itself.
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The playground's sources: app/, index.html and favicon.svg. */
export const PLAYGROUND_SOURCE_DIR = fileURLToPath(new URL('../../playground/', import.meta.url));
/** Where the bundle is written (and served from). */
export const PLAYGROUND_ASSETS_DIR = join(PLAYGROUND_SOURCE_DIR, 'dist');
const STAMP = 'sources.sha256';

/** Monaco's workers: the language services run off the page's thread. */
const WORKERS = {
  'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
  'json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
  'graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
};

/** A digest of what the bundle is made from: the sources and the dependencies' versions. */
function sourcesDigest(): string {
  const hash = createHash('sha256');
  const app = join(PLAYGROUND_SOURCE_DIR, 'app');
  for (const name of readdirSync(app).sort()) hash.update(name).update(readFileSync(join(app, name)));
  // The lock file: the gateway's manifest names catalog entries, not versions.
  for (const file of ['index.html', 'favicon.svg', '../package.json', '../../pnpm-lock.yaml']) {
    if (existsSync(join(PLAYGROUND_SOURCE_DIR, file))) hash.update(readFileSync(join(PLAYGROUND_SOURCE_DIR, file)));
  }
  hash.update(JSON.stringify(WORKERS));
  return hash.digest('hex');
}

/** Whether the bundle on disk was built from the current sources. */
export function playgroundIsBuilt(): boolean {
  try {
    return readFileSync(join(PLAYGROUND_ASSETS_DIR, STAMP), 'utf8') === sourcesDigest();
  } catch {
    return false;
  }
}

/**
 * Builds the playground into PLAYGROUND_ASSETS_DIR: written aside, then put in place with one
 * rename, so a gateway starting meanwhile never serves half a bundle.
 */
export async function buildPlayground({ quiet = true }: { quiet?: boolean } = {}): Promise<void> {
  const started = performance.now();
  // esbuild is a development dependency: only needed where the bundle is built.
  const { build } = await import('esbuild');
  const staging = `${PLAYGROUND_ASSETS_DIR}.building-${process.pid}-${randomBytes(4).toString('hex')}`;
  const common = {
    bundle: true,
    minify: true,
    outdir: staging,
    platform: 'browser',
    target: 'es2022',
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
    absWorkingDir: join(PLAYGROUND_SOURCE_DIR, 'app'),
  } as const;
  try {
    await build({
      ...common,
      entryPoints: { playground: join(PLAYGROUND_SOURCE_DIR, 'app', 'main.tsx') },
      format: 'iife',
      jsx: 'automatic',
      // Monaco's icon font, bundled beside the CSS that names it.
      loader: { '.ttf': 'file' },
      assetNames: '[name]-[hash]',
    });
    // The workers must come from the very Monaco that @graphiql/react bundles (it pins one version):
    // resolved from beside it.
    const besideGraphiQL = join(realpathSync(join(PLAYGROUND_SOURCE_DIR, '..', 'node_modules', '@graphiql', 'react')), '..', '..');
    await build({ ...common, entryPoints: WORKERS, format: 'iife', nodePaths: [besideGraphiQL] });
    copyFileSync(join(PLAYGROUND_SOURCE_DIR, 'index.html'), join(staging, 'index.html'));
    copyFileSync(join(PLAYGROUND_SOURCE_DIR, 'favicon.svg'), join(staging, 'favicon.svg'));
    writeFileSync(join(staging, STAMP), sourcesDigest());
    // Another process may have put the same bundle in place meanwhile, and be reading it.
    if (playgroundIsBuilt()) return;
    rmSync(PLAYGROUND_ASSETS_DIR, { recursive: true, force: true });
    try {
      renameSync(staging, PLAYGROUND_ASSETS_DIR);
    } catch (error) {
      // Another process put its bundle in place first: the same sources, so keep it.
      if (!playgroundIsBuilt()) throw error;
    }
  } finally {
    if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
  }
  if (!quiet) process.stdout.write(`bundled the playground in ${Math.round(performance.now() - started)} ms (gateway/playground/dist)\n`);
}

/** Builds the playground unless its bundle is up to date. */
export async function ensurePlayground(): Promise<void> {
  if (!playgroundIsBuilt()) await buildPlayground();
}
