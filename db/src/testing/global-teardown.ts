// Jest global teardown: drops this run's databases and stops the embedded server, if any.
import pg from 'pg';
import { databaseUrl, dropDatabase, testCluster } from '@academy/service-kit/testing';

export default async function globalTeardown(): Promise<void> {
  const cluster = testCluster();
  const embedded = (globalThis as { __academyEmbedded?: { stop(): Promise<void> } }).__academyEmbedded;
  if (embedded) {
    await embedded.stop();
    return;
  }
  const admin = new pg.Client({ connectionString: databaseUrl(cluster.adminUrl, 'postgres') });
  await admin.connect();
  const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [cluster.prefix]);
  await admin.end();
  for (const { datname } of rows) await dropDatabase(cluster.adminUrl, datname);
}
