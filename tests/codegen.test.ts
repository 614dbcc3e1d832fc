// The generated types are the compiler's view of the schemas and the migrations: they must be
// what `pnpm codegen` writes from them now, or a changed column or field would go unchecked.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@academy/service-kit/testing';
import { generatedFiles, ROOT } from '../scripts/codegen/generate.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

describe('generated types (run `pnpm codegen` after changing a schema.graphql, a codegen.ts or a migration)', () => {
  it('are what the subgraph schemas and the migrated database give now', async () => {
    const files = await generatedFiles(database.adminUrl);
    expect(files.size).toBe(12);
    const stale = [...files].filter(([path, content]) => readFileSync(path, 'utf8') !== content).map(([path]) => relative(ROOT, path));
    expect(stale).toEqual([]);
  });
});
