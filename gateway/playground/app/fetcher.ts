import { parse, type OperationDefinitionNode } from 'graphql';
import { createClient, type Client } from 'graphql-ws';

/** What GraphiQL passes to its fetcher. */
export interface Request {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

const endpoint = new URL('/graphql', location.href);

/** The header's value by name, whatever its case (the editor holds what the user typed). */
function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const found = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return typeof found?.[1] === 'string' ? found[1] : undefined;
}

function isSubscription(request: Request): boolean {
  try {
    const operations = parse(request.query).definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
    const operation = request.operationName ? operations.find((o) => o.name?.value === request.operationName) : operations[0];
    return operation?.operation === 'subscription';
  } catch {
    // Let the server report the syntax error.
    return false;
  }
}

// One socket per Authorization value: signing in, out or a renewal opens a new one as the next subscription starts.
let socket: { authorization: string | undefined; client: Client } | undefined;

function socketFor(authorization: string | undefined): Client {
  if (socket && socket.authorization === authorization) return socket.client;
  // The previous client is left to close by itself (lazy): its running subscriptions go on.
  const url = new URL(endpoint);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = createClient({ url: url.toString(), connectionParams: authorization ? { authorization } : {}, lazy: true });
  socket = { authorization, client };
  return client;
}

/**
 * GraphiQL's fetcher: queries and mutations over HTTP with the headers editor's headers,
 * subscriptions over graphql-ws on the same endpoint with its Authorization as
 * `connectionParams.authorization`.
 */
export function fetcher(request: Request, options?: { headers?: Record<string, unknown> }) {
  if (isSubscription(request)) return socketFor(header(options?.headers, 'authorization')).iterate(request as never);
  return fetch(endpoint, {
    method: 'POST',
    headers: { ...(options?.headers as Record<string, string>), 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify(request),
  }).then((response) => response.json());
}

/** Runs one operation over HTTP without headers (the sign-in helper's own calls). */
export async function post<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const body = (await fetcher({ query, variables })) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data as T;
}
