import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { signCallerToken, type RequestCaller } from '@academy/service-kit';

/** The gateway's per-request context. */
export interface GatewayContext {
  requestId: string;
  caller: RequestCaller;
  /** The caller, signed for the subgraphs once per request. */
  callerToken: string;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Keeps a well-formed client request id (for tracing across systems) or makes one. */
function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Who is calling, as the gateway vouches for it to the subgraphs. Headers a client sends that
 * look like internal ones are never read: the caller comes only from what the gateway verified.
 */
export async function createGatewayContext(req: IncomingMessage, gatewaySecret: string): Promise<GatewayContext> {
  const requestId = requestIdOf(req);
  const caller: RequestCaller = { viewer: null, clientAddress: req.socket.remoteAddress ?? null, requestId };
  return { requestId, caller, callerToken: await signCallerToken(caller, gatewaySecret) };
}
