import DataLoader from 'dataloader';

/**
 * A DataLoader whose batch function returns rows in any order; they are put back in key order,
 * with `missing` for keys that found nothing. One instance lives per request.
 */
export function keyedLoader<K extends string | number, R, V = R>(
  load: (keys: readonly K[]) => Promise<R[]>,
  keyOf: (row: R) => K,
  options: { project?: (row: R) => V; missing?: V | null } = {},
): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(async (keys) => {
    const rows = await load(keys);
    const byKey = new Map<K, V>();
    for (const row of rows) byKey.set(keyOf(row), options.project ? options.project(row) : (row as unknown as V));
    return keys.map((key) => byKey.get(key) ?? options.missing ?? null);
  });
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
