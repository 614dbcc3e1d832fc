import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { RequestCaller } from '@academy/service-kit';
import { bearerToken, type AccessTokenVerifier } from './access-token.js';
import type { CallerSigner, CallerTokens } from './caller-signing.js';
import { clientAddressOf, type ProxyTrust } from './client-address.js';

/** The gateway's per-request context. */
export interface GatewayContext {
  requestId: string;
  caller: RequestCaller;
  /** The caller, signed for each subgraph the plan calls (once per request and subgraph). */
  callerTokens: CallerTokens;
}

export interface CallerOptions {
  signer: CallerSigner;
  verifier: AccessTokenVerifier;
  trustProxy: ProxyTrust;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Keeps a well-formed client request id (for tracing across systems) or makes one. */
function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}


/**
 * Who is calling, verified once per request: the access token (if any) and the client's
 * address. Headers a client sends that look like internal ones are never read: subgraphs get
 * only what the gateway verified, signed.
 */
export async function createGatewayContext(req: IncomingMessage, options: CallerOptions): Promise<GatewayContext> {
  const requestId = requestIdOf(req);
  const token = bearerToken(req.headers.authorization);
  const viewer = token === undefined ? null : (await options.verifier.verify(token)).viewer;
  const caller: RequestCaller = { viewer, clientAddress: clientAddressOf(req, options.trustProxy), requestId };
  return { requestId, caller, callerTokens: options.signer.tokensFor(caller) };
}
