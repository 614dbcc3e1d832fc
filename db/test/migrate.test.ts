import { afterAll, describe, expect, it } from '@jest/globals';
import { databaseUrl, dropDatabase, testCluster } from '@academy/service-kit/testing';
import { randomBytes } from 'node:crypto';
import { migrate, migrationStatus } from '../src/migrate.js';
import { SUBGRAPH_DATABASES } from '../src/subgraphs.js';

const cluster = testCluster();
const name = `${cluster.prefix}_migrate_${randomBytes(3).toString('hex')}`;
const url = databaseUrl(cluster.adminUrl, name);

afterAll(async () => {
  await dropDatabase(cluster.adminUrl, name);
});

describe('db migrate', () => {
  it('creates the database and applies every migration once, with several processes at once', async () => {
    const runs = await Promise.all([1, 2, 3, 4].map(() => migrate({ adminUrl: url })));
    // Exactly one run applied each migration; the others, queued on the lock, found nothing to do.
    const applied = runs.flat();
    const status = await migrationStatus(url);
    expect(status.length).toBeGreaterThanOrEqual(SUBGRAPH_DATABASES.length);
    expect(applied.sort()).toEqual(status.map((s) => `${s.schema}: ${s.name} applied`).sort());
    expect(runs.filter((r) => r.length > 0)).toHaveLength(1);
    expect(status.every((s) => s.executedAt instanceof Date)).toBe(true);
  });

  it('is idempotent', async () => {
    expect(await migrate({ adminUrl: url })).toEqual([]);
  });
});
