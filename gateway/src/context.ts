import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';

/** The gateway's per-request context. */
export interface GatewayContext {
  requestId: string;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Keeps a well-formed client request id (for tracing across systems) or makes one. */
export function createGatewayContext(req: IncomingMessage): GatewayContext {
  const given = req.headers['x-request-id'];
  return { requestId: typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID() };
}
