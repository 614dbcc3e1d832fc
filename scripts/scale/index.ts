// `pnpm start:scale`: the scale layout from one command. PostgreSQL (embedded in DATA_DIR, or
// the server of DATABASE_URL), migrations, demo data on an empty database, two processes of the
// gateway and of every subgraph, and HAProxy in front (configuration generated in a temporary
// folder). Needs REDIS_URL (chat fans out through it) and haproxy on the PATH. Ctrl-C stops all.
import { join } from 'node:path';
import { ConfigError } from '../../packages/service-kit/src/config.js';
import { EMBEDDED_DATABASE, localGatewaySecret, subgraphConnections } from '../../db/src/config.js';
import { ensureEmbeddedDatabase, forkEmbeddedServer } from '../../db/src/embedded-server.js';
import { migrate } from '../../db/src/migrate.js';
import { seed } from '../../db/src/seed/index.js';
import { loadStartConfig } from '../stack/config.js';
import { haproxyAvailable, startScaleLayout } from './layout.js';

async function main(): Promise<void> {
  const config = loadStartConfig();
  // Read here with the stack's other settings: the layout cannot run without it.
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) throw new ConfigError(['REDIS_URL: required by the scale layout (e.g. redis://127.0.0.1:6379)']);
  if (!haproxyAvailable()) throw new ConfigError(['haproxy: not found on the PATH (Debian: apt-get install haproxy)']);
  const embedded = config.DATABASE_URL ? null : await forkEmbeddedServer({ dataDir: join(config.DATA_DIR, 'postgres'), port: config.EMBEDDED_PG_PORT });
  const adminUrl = config.DATABASE_URL ?? (await ensureEmbeddedDatabase(embedded!.url, EMBEDDED_DATABASE));
  const connections = await subgraphConnections(config, adminUrl);
  await migrate({ adminUrl, rolePasswords: connections.rolePasswords, statementTimeoutMs: config.SUBGRAPH_STATEMENT_TIMEOUT_MS, log: (line) => console.log(`migrate: ${line}`) });
  const seeded = await seed({ adminUrl, scale: config.SEED_SCALE, log: (line) => console.log(`seed: ${line}`) });
  if (!seeded.seeded) console.log('not seeding: the database already has users');
  const layout = await startScaleLayout({
    databaseUrls: connections.urls,
    gatewaySecret: await localGatewaySecret(config.DATA_DIR, config.GATEWAY_SECRET),
    redisUrl,
    port: config.GATEWAY_PORT,
    env: { LOG_LEVEL: config.LOG_LEVEL, NODE_ENV: config.NODE_ENV },
    output: (service, chunk) => process.stderr.write(chunk.replace(/^(?=.)/gm, `${service}: `)),
  });
  console.log(`ready: ${layout.url} (HAProxy configuration: ${layout.haproxyConfigPath})`);
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void layout
        .stop()
        .then(() => embedded?.stop())
        .then(() => process.exit(0));
    });
  }
}

try {
  await main();
} catch (error) {
  process.stderr.write(`pnpm start:scale: ${(error as Error).message}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
