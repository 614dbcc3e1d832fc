// pnpm codegen [--check]: regenerates every subgraph's src/generated/ (resolver types from
// schema.graphql, table types from the migrations), or with --check only says which files are
// stale and exits 1. The migrations run into a scratch database on DATABASE_URL's server, or on
// an embedded PostgreSQL when DATABASE_URL is unset; the scratch database is dropped after.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import pg from 'pg';
import { migrate, SUBGRAPH_DATABASES, startEmbeddedPostgres, type EmbeddedServer } from '../db/src/index.js';
import { generatedFiles, ROOT } from './codegen/generate.js';

const check = process.argv.includes('--check');
let embedded: EmbeddedServer | undefined;
let dataDir: string | undefined;
let serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  dataDir = await mkdtemp(join(tmpdir(), 'academy-codegen-pg-'));
  embedded = await startEmbeddedPostgres({ dataDir, ephemeral: true });
  serverUrl = embedded.url;
}
const database = `academy_codegen_${randomBytes(4).toString('hex')}`;
const adminUrl = Object.assign(new URL(serverUrl), { pathname: `/${database}` }).toString();
let stale: string[] = [];
try {
  const password = randomBytes(12).toString('base64url');
  await migrate({ adminUrl, rolePasswords: Object.fromEntries(SUBGRAPH_DATABASES.map((s) => [s.role, password])) });
  const files = await generatedFiles(adminUrl);
  for (const [path, content] of files) {
    const current = await readFile(path, 'utf8').catch(() => null);
    if (current === content) continue;
    stale.push(relative(ROOT, path));
    if (!check) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
    }
  }
} finally {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
  await embedded?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}
if (check && stale.length > 0) {
  console.error(`stale generated files (run pnpm codegen):\n${stale.map((f) => `  ${f}`).join('\n')}`);
  process.exitCode = 1;
} else {
  console.log(stale.length === 0 ? 'generated files are up to date' : `wrote ${stale.join(', ')}`);
}
