// The floor: the operations of the HTTP benchmark answered by a plain node:http server, one
// pg pool and one hand-written statement per operation, with the access token verified where
// the GraphQL API verifies it. It answers only the benchmark's operations (recognised by their
// query text) and shows how fast this machine can serve the same answers with no gateway, no
// subgraphs and no GraphQL. Started by the harness (index.ts) with:
//   FLOOR_PORT, FLOOR_WORKERS, FLOOR_DATABASE_URL, FLOOR_POOL_SIZE, JWKS_URL
import cluster from 'node:cluster';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import { AccessTokenError, bearerToken, createAccessTokenVerifier, type Viewer } from '../access-token.js';
import {
  CATALOGUE,
  CATALOGUE_SEARCH,
  CHAT_ROOM,
  CHECKOUT,
  COURSE_DETAIL,
  ME,
  MY_ENROLLMENTS,
  MY_ORDERS,
  MY_REGISTRATIONS,
  PAY,
  REGISTER,
  REVENUE,
  SEND_MESSAGE,
  SESSIONS,
} from '../operations.js';
import { checkout, ConflictError, payOrder, registerForSession, sendMessage } from './writes.js';
import { ForbiddenError, myEnrollments, myOrders, myRegistrations, revenue, search, sessions } from './domain-queries.js';
import { BadInputError, catalogue, chatRoom, course, me } from './queries.js';
import { ErrorCode } from '../../../packages/service-kit/src/error-codes.js';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const PORT = Number(required('FLOOR_PORT'));
const WORKERS = Number(process.env.FLOOR_WORKERS ?? 1);
const MAX_BODY_BYTES = 1024 * 1024;

type Handler = (pool: pg.Pool, variables: Record<string, unknown>, viewer: Viewer | null) => Promise<unknown>;

class UnauthenticatedError extends Error {}

/** A handler for signed-in viewers only (UNAUTHENTICATED otherwise, as the subgraphs answer). */
const signedIn =
  (handler: (pool: pg.Pool, variables: Record<string, unknown>, viewer: Viewer) => Promise<unknown>): Handler =>
  (pool, variables, viewer) => {
    if (!viewer) throw new UnauthenticatedError('You must be signed in.');
    return handler(pool, variables, viewer);
  };

const HANDLERS = new Map<string, Handler>([
  [CATALOGUE, (pool, variables) => catalogue(pool, variables)],
  [COURSE_DETAIL, (pool, variables, viewer) => course(pool, variables, viewer)],
  [ME, (pool, _variables, viewer) => me(pool, viewer)],
  [
    CHAT_ROOM,
    (pool, variables, viewer) => {
      if (!viewer) throw new UnauthenticatedError('You must be signed in.');
      return chatRoom(pool, variables, viewer);
    },
  ],
  [CATALOGUE_SEARCH, (pool, variables) => search(pool, variables)],
  [SESSIONS, (pool, variables) => sessions(pool, variables)],
  [MY_ENROLLMENTS, (pool, _variables, viewer) => myEnrollments(pool, viewer)],
  [MY_REGISTRATIONS, (pool, _variables, viewer) => myRegistrations(pool, viewer)],
  [MY_ORDERS, (pool, _variables, viewer) => myOrders(pool, viewer)],
  [REVENUE, signedIn(revenue)],
  [REGISTER, signedIn(registerForSession)],
  [CHECKOUT, signedIn(checkout)],
  [PAY, signedIn(payOrder)],
  [SEND_MESSAGE, signedIn(sendMessage)],
]);

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const failure = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= MAX_BODY_BYTES ? Buffer.concat(chunks).toString('utf8') : null));
    req.on('error', reject);
  });
}

function serve(): void {
  const pool = new pg.Pool({
    connectionString: required('FLOOR_DATABASE_URL'),
    max: Number(process.env.FLOOR_POOL_SIZE ?? 10),
    application_name: 'bench-floor',
  });
  const verify = createAccessTokenVerifier(required('JWKS_URL'));

  const server = createServer({ keepAliveTimeout: 65_000 }, async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, { status: 'ok' });
    if (req.method !== 'POST' || path !== '/graphql') return send(res, 404, failure('Not found.', ErrorCode.NOT_FOUND));
    try {
      const text = await readBody(req);
      if (text === null) return send(res, 413, failure('The request body is too large.', ErrorCode.BAD_USER_INPUT));
      const request = JSON.parse(text) as { query?: unknown; variables?: Record<string, unknown> | null };
      const handler = typeof request.query === 'string' ? HANDLERS.get(request.query) : undefined;
      if (!handler) return send(res, 400, failure('The floor answers only the benchmark operations.', ErrorCode.BAD_USER_INPUT));
      const token = bearerToken(req.headers.authorization);
      const viewer = token === undefined ? null : await verify(token);
      send(res, 200, { data: await handler(pool, request.variables ?? {}, viewer) });
    } catch (error) {
      if (error instanceof AccessTokenError || error instanceof UnauthenticatedError) return send(res, 401, failure(error.message, ErrorCode.UNAUTHENTICATED));
      if (error instanceof ConflictError) return send(res, 200, { data: null, ...failure(error.message, ErrorCode.CONFLICT) });
      if (error instanceof ForbiddenError) return send(res, 200, { data: null, ...failure(error.message, ErrorCode.FORBIDDEN) });
      if (error instanceof BadInputError || error instanceof SyntaxError) return send(res, 400, failure(error.message, ErrorCode.BAD_USER_INPUT));
      process.stderr.write(`floor: ${(error as Error).stack ?? String(error)}\n`);
      send(res, 500, failure('Unexpected error.', ErrorCode.INTERNAL_SERVER_ERROR));
    }
  });
  server.listen(PORT, '127.0.0.1');
  const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

// One process serves unless more workers are asked for: then node:cluster shares the port
// between them, as Hive Gateway's --fork does.
if (WORKERS > 1 && cluster.isPrimary) {
  for (let i = 0; i < WORKERS; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    process.stderr.write(`floor: worker ${worker.process.pid} exited (${signal ?? code})\n`);
    process.exit(1);
  });
  const stop = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  serve();
}
