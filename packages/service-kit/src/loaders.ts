import DataLoader from 'dataloader';

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
  return new DataLoader<K, R | V | null>(async (keys) => {
    const rows = await load(keys);
    const byKey = new Map<K, R | V>();
    for (const row of rows) byKey.set(keyOf(row), options ? options.project(row) : row);
    return keys.map((key) => byKey.get(key) ?? options?.missing ?? null);
  });
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
  return new DataLoader<K, V[]>(async (keys) => {
    const rows = await load(keys);
    const byKey = new Map<K, V[]>();
    for (const row of rows) {
      const key = keyOf(row);
      let list = byKey.get(key);
      if (!list) byKey.set(key, (list = []));
      list.push(project ? project(row) : (row as unknown as V));
    }
    return keys.map((key) => byKey.get(key) ?? []);
  });
}

export { DataLoader };
