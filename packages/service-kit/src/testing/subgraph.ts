import { createTestDatabase, type TestDatabase } from './database.js';
import type { RunnableService, ServiceOptions } from '../service.js';

/** A subgraph on its own test database, listening on a free port. */
export interface TestSubgraph<S> {
  service: S;
  database: TestDatabase;
  url: string;
  /** Posts a GraphQL request straight to the subgraph, as the gateway would. */
  request<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] } }>;
  stop(): Promise<void>;
}

export async function startTestSubgraph<S extends RunnableService>(
  build: (options: ServiceOptions) => S,
  role: string,
): Promise<TestSubgraph<S>> {
  const database = await createTestDatabase();
  const service = build({ databaseUrl: database.urlFor(role), poolSize: 4, logLevel: 'error' });
  const running = await service.start(0, '127.0.0.1');
  return {
    service,
    database,
    url: running.url,
    async request(query, variables, headers) {
      const response = await fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as never };
    },
    async stop() {
      await running.stop();
      await service.database.close();
      await database.drop();
    },
  };
}

/** The `_entities` query the gateway sends for `representations`, selecting `selection` on `typename`. */
export function entitiesQuery(typename: string, selection: string): string {
  return `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${typename} { ${selection} } } }`;
}
