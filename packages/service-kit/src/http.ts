import { HeaderMap, type ApolloServer, type BaseContext, type ContextFunction } from '@apollo/server';
import { ErrorCode, RequestErrorCode } from './errors.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { lstat, rm } from 'node:fs/promises';
import { connect, createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';

/** A plain route next to GraphQL, such as a health check. */
export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface GraphQLHttpOptions<C extends BaseContext> {
  /** The server, or a wrapper that looks at each request before it (the gateway's persisted operations). */
  apollo: Pick<ApolloServer<C>, 'executeHTTPGraphQLRequest'>;
  context: ContextFunction<[{ req: IncomingMessage }], C>;
  /** Where GraphQL is served; default /graphql. */
  path?: string;
  /** Other routes by exact path, e.g. /healthz. */
  routes?: Record<string, Route>;
  /** Largest request body accepted, in bytes; default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * A way to answer a parsed JSON POST to `path` without Apollo Server: resolves true when it
   * answered, false (having written nothing) to leave the request to Apollo Server.
   */
  direct?: (req: IncomingMessage, res: ServerResponse, body: unknown) => Promise<boolean>;
  /** Cross-origin access to `path`: adds its headers, and resolves true when it answered the request itself (a preflight). */
  cors?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
}

class PayloadTooLarge extends Error {}

async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new PayloadTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return (await readRawBody(req, limit)).toString('utf8');
}

/**
 * A request's body as the bytes sent (what a signature over the body is checked against), or
 * null when it is longer than `limit` bytes (the rest is not read).
 */
export async function readRawBodyWithin(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  try {
    return await readRawBody(req, limit);
  } catch (error) {
    if (error instanceof PayloadTooLarge) return null;
    throw error;
  }
}

/** A request's body as text, or null when it is longer than `limit` bytes (the rest is not read). */
export async function readBodyWithin(req: IncomingMessage, limit: number): Promise<string | null> {
  try {
    return await readBody(req, limit);
  } catch (error) {
    if (error instanceof PayloadTooLarge) return null;
    throw error;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * An HTTP request listener serving an Apollo Server at `path`, with plain routes beside it.
 * Written on node:http directly so the same server can also carry WebSocket upgrades.
 */
export function graphqlRequestListener<C extends BaseContext>(options: GraphQLHttpOptions<C>) {
  const path = options.path ?? '/graphql';
  const limit = options.maxBodyBytes ?? 1024 * 1024;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      const route = options.routes?.[url.pathname];
      if (route) {
        await route(req, res);
        return;
      }
      if (url.pathname !== path) {
        sendJson(res, 404, { error: 'not found' });
        return;
      }
      if (options.cors && (await options.cors(req, res))) return;
      let body: unknown;
      if (req.method === 'POST') {
        const text = await readBody(req, limit);
        const type = req.headers['content-type'] ?? '';
        if (type.startsWith('application/json') || type.startsWith('application/graphql-response+json')) {
          try {
            body = text.length ? JSON.parse(text) : undefined;
          } catch {
            sendJson(res, 400, { errors: [{ message: 'The request body is not valid JSON.', extensions: { code: RequestErrorCode.BAD_REQUEST } }] });
            return;
          }
          if (options.direct && (await options.direct(req, res, body))) return;
        } else {
          body = text;
        }
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const response = await options.apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: () => options.context({ req }),
      });
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
      } else {
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (error) {
      if (error instanceof PayloadTooLarge) {
        // The rest of the body is never read: the connection cannot carry another request.
        res.setHeader('connection', 'close');
        sendJson(res, 413, { errors: [{ message: `The request body is larger than ${limit} bytes.`, extensions: { code: RequestErrorCode.BAD_REQUEST } }] });
        return;
      }
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] });
      else res.destroy();
    }
  };
}

/** Answers 200 {"status":"up"}: the process is alive. */
export const healthRoute: Route = (_req, res) => sendJson(res, 200, { status: 'up' });

/**
 * Answers 200 when every check passes, 503 with the failing ones otherwise; 503 {"status":
 * "stopping"} once `stopping()` is true, so that a proxy sends nothing more to a process that
 * is shutting down.
 */
export function readinessRoute(checks: Record<string, () => Promise<unknown>>, timeoutMs = 2000, stopping?: () => boolean): Route {
  return async (_req, res) => {
    if (stopping?.()) {
      sendJson(res, 503, { status: 'stopping' });
      return;
    }
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            check(),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
            }),
          ]);
          return [name, 'up'] as const;
        } catch (error) {
          return [name, `down: ${(error as Error).message}`] as const;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const ready = results.every(([, state]) => state === 'up');
    sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) });
  };
}

/** Listens on `port` (0 for any free one) and resolves with the bound port. */
export async function listen(server: Server, port: number, host = '0.0.0.0'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Also accepts `server`'s connections on a Unix-domain socket at `path`: the same routes, the
 * same keep-alive and shutdown, without the loopback TCP stack (a process on the same machine,
 * such as the gateway started beside it, connects there). A socket file left at `path` by a
 * process that ended without closing it is replaced; one that a live process answers on is
 * EADDRINUSE. Closing the returned server removes the file.
 */
export async function listenOnSocket(server: Server, path: string): Promise<NetServer> {
  const socketServer = createNetServer((socket) => server.emit('connection', socket));
  const tryListen = () =>
    new Promise<void>((resolve, reject) => {
      socketServer.once('error', reject);
      socketServer.listen(path, () => {
        socketServer.off('error', reject);
        resolve();
      });
    });
  try {
    await tryListen();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !(await isStaleSocket(path))) throw error;
    await rm(path);
    await tryListen();
  }
  return socketServer;
}

/** Whether `path` is a socket file that nothing answers on. */
async function isStaleSocket(path: string): Promise<boolean> {
  if (!(await lstat(path)).isSocket()) return false;
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** Closes a Unix-domain socket listener (its connections belong to the HTTP server it feeds). */
export async function closeSocketServer(server: NetServer): Promise<void> {
  if (!server.listening) return;
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Closes a server, ending idle keep-alive connections so it does not linger. */
export async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), 2000);
  await closed;
  clearTimeout(force);
}

export { createServer };
