import DataLoader from 'dataloader';
import { traceBatch } from './observability/tracing.js';

/**
 * A DataLoader whose batch function returns rows in any order; they are put back in key order,
 * with null (or `missing`, when given: then no value is null) for keys that found nothing. One
 * instance lives per request.
 */
export function keyedLoader<K extends string | number, R>(load: (keys: readonly K[]) => Promise<R[]>, keyOf: (row: R) => K): DataLoader<K, R | null>;
export function keyedLoader<K extends string | number, R, V>(
  load: (keys: readonly K[]) => Promise<R[]>,
  keyOf: (row: R) => K,
  options: { project: (row: R) => V; missing: V },
): DataLoader<K, V>;
export function keyedLoader<K extends string | number, R, V>(
  load: (keys: readonly K[]) => Promise<R[]>,
  keyOf: (row: R) => K,
  options?: { project: (row: R) => V; missing: V },
): DataLoader<K, R | V | null> {
  const loader: DataLoader<K, R | V | null> = new DataLoader<K, R | V | null>(
    traceBatch(
      () => loader.name,
      async (keys) => {
        const rows = await load(keys);
        const byKey = new Map<K, R | V>();
        for (const row of rows) byKey.set(keyOf(row), options ? options.project(row) : row);
        return keys.map((key) => byKey.get(key) ?? options?.missing ?? null);
      },
    ),
  );
  return loader;
}

/**
 * Loads a row that must exist (its key came from a foreign key of this subgraph's own tables):
 * a missing one is a broken invariant, reported as an internal error naming what was missing.
 */
export async function loadRequired<K, V>(loader: DataLoader<K, V | null>, key: K, what: string): Promise<V> {
  const value = await loader.load(key);
  if (value === null) throw new Error(`${what} ${String(key)} does not exist`);
  return value;
}

/** Like `keyedLoader`, but each key maps to a list of rows (in the order the query returned). */
export function groupedLoader<K extends string | number, R, V = R>(
  load: (keys: readonly K[]) => Promise<R[]>,
  keyOf: (row: R) => K,
  project?: (row: R) => V,
): DataLoader<K, V[]> {
  const loader: DataLoader<K, V[]> = new DataLoader<K, V[]>(
    traceBatch(
      () => loader.name,
      async (keys) => {
        const rows = await load(keys);
        const byKey = new Map<K, V[]>();
        for (const row of rows) {
          const key = keyOf(row);
          let list = byKey.get(key);
          if (!list) byKey.set(key, (list = []));
          list.push(project ? project(row) : (row as unknown as V));
        }
        return keys.map((key) => byKey.get(key) ?? []);
      },
    ),
  );
  return loader;
}

/** A factory per loader of a set: given the set's inputs and the set itself (to prime another loader). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each factory states the part of the set it uses
export type LoaderFactories<I> = Record<string, (inputs: I, loaders: any) => unknown>;

/** A set of loaders as its factories make them. */
export type LoaderSet<F extends LoaderFactories<never>> = { readonly [K in keyof F]: ReturnType<F[K]> };

const INPUTS = Symbol('loader inputs');

/**
 * A subgraph's per-request DataLoaders, each made when a resolver first reads it. A request, or
 * a subscription's event, uses a few of a subgraph's twenty-odd loaders: making every one for
 * each came to 9–15 KB per set, garbage for each request and, since a live subscription takes
 * fresh loaders for every event, for every subscriber a message is delivered to. Each loader is
 * named after its key (`courseById`), the name its traced batches carry.
 *
 * `defineLoaders<Inputs>()({ courseById: ({ db }) => keyedLoader(...), ... })` returns the
 * function that makes a set for given inputs; a factory that needs another loader of its set
 * (to prime it) reads it from its second argument.
 */
export function defineLoaders<I>() {
  return <F extends LoaderFactories<I>>(factories: F): ((inputs: I) => LoaderSet<F>) => {
    class Loaders {
      [INPUTS]: I;
      constructor(inputs: I) {
        this[INPUTS] = inputs;
      }
    }
    for (const [name, make] of Object.entries(factories)) {
      Object.defineProperty(Loaders.prototype, name, {
        enumerable: true,
        get(this: Loaders) {
          const loader = make(this[INPUTS], this);
          if (loader instanceof DataLoader) loader.name = name;
          // Made once per set: later reads find it on the set itself.
          Object.defineProperty(this, name, { value: loader, enumerable: true });
          return loader;
        },
      });
    }
    return (inputs) => new Loaders(inputs) as unknown as LoaderSet<F>;
  };
}

/**
 * A DataLoader batch function run in a span when traced: for loaders built with `new
 * DataLoader` rather than keyedLoader or groupedLoader.
 */
export function tracedBatch<K, V>(load: (keys: readonly K[]) => Promise<V>, name: string): (keys: readonly K[]) => Promise<V> {
  return traceBatch(() => name, load);
}

export { DataLoader };
