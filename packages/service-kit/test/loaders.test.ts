import { describe, expect, it } from '@jest/globals';
import { DataLoader, defineLoaders, keyedLoader } from '../src/loaders.js';

/** A set of two loaders over an in-memory table, counting the loaders made and the batches run. */
function numberLoaders() {
  const made: string[] = [];
  const batches: (readonly number[])[] = [];
  const rows = new Map([1, 2, 3].map((n) => [n, { n, square: n * n }]));
  const make = defineLoaders<{ offset: number }>()({
    rowByNumber: ({ offset }) => {
      made.push('rowByNumber');
      return keyedLoader(
        async (keys: readonly number[]) => {
          batches.push(keys);
          return keys.flatMap((key) => {
            const row = rows.get(key);
            return row ? [{ ...row, square: row.square + offset }] : [];
          });
        },
        (row) => row.n,
      );
    },
    /** Reads a row and primes rowByNumber with it, as loaders that read a whole outline do. */
    primingSquare: ({ offset }, loaders: { rowByNumber: DataLoader<number, { n: number; square: number } | null> }) => {
      made.push('primingSquare');
      return new DataLoader<number, number>(async (keys) =>
        keys.map((key) => {
          loaders.rowByNumber.prime(key, { n: key, square: -1 });
          return key + offset;
        }),
      );
    },
  });
  return { make, made, batches };
}

describe('defineLoaders', () => {
  it('makes a loader only when it is first read, once per set', async () => {
    const { make, made, batches } = numberLoaders();
    const set = make({ offset: 0 });
    expect(made).toEqual([]);
    const [one, two] = await Promise.all([set.rowByNumber.load(1), set.rowByNumber.load(2)]);
    expect(one).toEqual({ n: 1, square: 1 });
    expect(two).toEqual({ n: 2, square: 4 });
    expect(await set.rowByNumber.load(4)).toBeNull();
    // One loader, batching within a tick and caching across reads.
    expect(made).toEqual(['rowByNumber']);
    expect(batches).toEqual([[1, 2], [4]]);
    expect(set.rowByNumber).toBe(set.rowByNumber);
  });

  it('gives each set its own loaders and inputs', async () => {
    const { make, batches } = numberLoaders();
    const first = make({ offset: 0 });
    const second = make({ offset: 100 });
    expect(first.rowByNumber).not.toBe(second.rowByNumber);
    expect(await first.rowByNumber.load(3)).toEqual({ n: 3, square: 9 });
    expect(await second.rowByNumber.load(3)).toEqual({ n: 3, square: 109 });
    // A new set reads again: nothing is cached across sets (requests, or a subscription's events).
    expect(batches).toEqual([[3], [3]]);
  });

  it('lets a loader prime another of its own set, and names each after its key', async () => {
    const { make, batches } = numberLoaders();
    const set = make({ offset: 10 });
    expect(await set.primingSquare.load(2)).toBe(12);
    expect(await set.rowByNumber.load(2)).toEqual({ n: 2, square: -1 });
    expect(batches).toEqual([]);
    expect(set.rowByNumber.name).toBe('rowByNumber');
    expect(set.primingSquare.name).toBe('primingSquare');
  });

  it('lists the loaders made so far as the set own properties, and refuses to replace one', () => {
    const { make } = numberLoaders();
    const set = make({ offset: 0 });
    expect(Object.keys(set)).toEqual([]);
    void set.rowByNumber;
    expect(Object.keys(set)).toEqual(['rowByNumber']);
    expect(() => {
      (set as { rowByNumber: unknown }).rowByNumber = null;
    }).toThrow(TypeError);
  });
});
