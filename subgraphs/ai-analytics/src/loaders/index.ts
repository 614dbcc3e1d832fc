/** The ai-analytics subgraph has no entity lookups yet, so no loaders. */
export function createLoaders() {
  return {};
}

export type Loaders = ReturnType<typeof createLoaders>;
