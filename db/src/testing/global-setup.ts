// Jest global setup: one PostgreSQL for the whole run (DATABASE_URL's server, or an embedded
// one), with a migrated template database that each test file copies.
import { migrate, startEmbeddedPostgres, SUBGRAPH_DATABASES } from '../index.js';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseUrl, TEST_CLUSTER_VARIABLE, type TestCluster } from '@academy/service-kit/testing';

export default async function globalSetup(): Promise<void> {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dataDir = await mkdtemp(join(tmpdir(), 'academy-test-pg-'));
    const server = await startEmbeddedPostgres({ dataDir, ephemeral: true });
    (globalThis as { __academyEmbedded?: typeof server }).__academyEmbedded = server;
    serverUrl = server.url;
  }
  const runId = randomBytes(3).toString('hex');
  const prefix = `academy_test_${runId}`;
  const template = `${prefix}_template`;
  const rolePassword = randomBytes(12).toString('base64url');
  await migrate({
    adminUrl: databaseUrl(serverUrl, template),
    rolePasswords: Object.fromEntries(SUBGRAPH_DATABASES.map((s) => [s.role, rolePassword])),
  });
  const cluster: TestCluster = { adminUrl: serverUrl, template, rolePassword, prefix };
  process.env[TEST_CLUSTER_VARIABLE] = JSON.stringify(cluster);
}
