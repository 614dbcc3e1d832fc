// The store behind automatic persisted queries: bounded in bytes, the manifest never evicted.
import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { createLogger } from '@academy/service-kit';
import { persistedQueryStore } from '../src/persisted-operations.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const documentOf = (i: number) => `query Q${i} { ${'__typename '.repeat(100)}}`;

describe('persistedQueryStore', () => {
  it('keeps registered documents within its size, dropping the least recently used, and always answers the manifest', async () => {
    const manifestDocument = 'query FromManifest { __typename }';
    const { cache } = persistedQueryStore(
      { mode: 'allow', manifest: new Map([[sha256(manifestDocument), manifestDocument]]), cacheBytes: 64 * 1024 },
      createLogger('silent'),
    );
    // About 1.1 kB each: 200 of them are over three times the 64 kB allowed.
    for (let i = 0; i < 200; i += 1) await cache.set(sha256(documentOf(i)), documentOf(i));
    expect(await cache.get(sha256(documentOf(0)))).toBeUndefined();
    expect(await cache.get(sha256(documentOf(199)))).toBe(documentOf(199));
    const kept = (await Promise.all(Array.from({ length: 200 }, (_, i) => cache.get(sha256(documentOf(i)))))).filter(Boolean);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.join('').length).toBeLessThanOrEqual(64 * 1024);
    expect(await cache.get(sha256(manifestDocument))).toBe(manifestDocument);
    // A client registering a manifest hash changes nothing.
    await cache.set(sha256(manifestDocument), 'query Other { __typename }');
    expect(await cache.get(sha256(manifestDocument))).toBe(manifestDocument);
  });
});
