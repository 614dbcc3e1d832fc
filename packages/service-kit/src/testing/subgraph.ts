import { randomBytes } from 'node:crypto';
import type { RequestCaller, Viewer } from '../auth.js';
import { CALLER_HEADER, signCallerToken } from '../caller-token.js';
import type { RunnableService, ServiceOptions } from '../service.js';
import { createTestDatabase, type TestDatabase } from './database.js';

/** How a test request reaches a subgraph: as the gateway would send it for `viewer`, or without credentials. */
export interface TestRequestOptions {
  /** The signed-in caller; default nobody. */
  viewer?: Viewer | null;
  clientAddress?: string;
  /** Send no gateway credentials at all. */
  unsigned?: boolean;
  headers?: Record<string, string>;
}

/** A subgraph on its own test database, listening on a free port. */
export interface TestSubgraph<S> {
  service: S;
  database: TestDatabase;
  url: string;
  /** The secret this subgraph shares with its (test) gateway. */
  gatewaySecret: string;
  /** Posts a GraphQL request straight to the subgraph, signed as the gateway would sign it. */
  request<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: TestRequestOptions,
  ): Promise<{ status: number; body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] } }>;
  stop(): Promise<void>;
}

export async function startTestSubgraph<S extends RunnableService>(
  build: (options: ServiceOptions) => S,
  role: string,
): Promise<TestSubgraph<S>> {
  const database = await createTestDatabase();
  const gatewaySecret = randomBytes(32).toString('base64url');
  const service = build({ databaseUrl: database.urlFor(role), gatewaySecret, poolSize: 4, logLevel: 'error' });
  const running = await service.start(0, '127.0.0.1');
  return {
    service,
    database,
    url: running.url,
    gatewaySecret,
    async request(query, variables, options = {}) {
      const caller: RequestCaller = { viewer: options.viewer ?? null, clientAddress: options.clientAddress ?? '127.0.0.1', requestId: null };
      const credentials: Record<string, string> = options.unsigned ? {} : { [CALLER_HEADER]: await signCallerToken(caller, gatewaySecret, service.name) };
      const response = await fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...credentials, ...options.headers },
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
