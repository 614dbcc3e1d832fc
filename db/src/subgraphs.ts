/** One subgraph's slice of the database. */
export interface SubgraphDatabase {
  /** The subgraph's name, as composed into the supergraph. */
  name: string;
  /** The PostgreSQL schema holding its tables. */
  schema: string;
  /** The login role it connects as: may use its own schema and nothing else. */
  role: string;
  /** Environment variable that can hold this subgraph's own connection URL. */
  urlVariable: string;
}

const make = (name: string, schema: string): SubgraphDatabase => ({
  name,
  schema,
  role: `academy_${schema}`,
  urlVariable: `${schema.toUpperCase()}_DATABASE_URL`,
});

export const SUBGRAPH_DATABASES: readonly SubgraphDatabase[] = Object.freeze([
  make('identity', 'identity'),
  make('learning', 'learning'),
  make('scheduling', 'scheduling'),
  make('commerce', 'commerce'),
  make('community', 'community'),
  make('ai-analytics', 'ai_analytics'),
]);

export function subgraphDatabase(name: string): SubgraphDatabase {
  const found = SUBGRAPH_DATABASES.find((s) => s.name === name || s.schema === name);
  if (!found) throw new Error(`unknown subgraph "${name}"`);
  return found;
}

/** The connection URL for `role` on the same server and database as `adminUrl`. */
export function roleUrl(adminUrl: string, role: string, password: string): string {
  const url = new URL(adminUrl);
  url.username = role;
  url.password = password;
  return url.toString();
}
