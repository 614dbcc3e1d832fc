import type { IncomingMessage } from 'node:http';
import { currentRequestScope, REQUEST_ID_HEADER, requestIdFrom, type RequestCaller } from '@academy/service-kit';
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

/**
 * The request's id: the one its access log gave it (the client's well-formed `x-request-id`,
 * else a new one), or, outside one, made the same way.
 */
function requestIdOf(req: IncomingMessage): string {
  return currentRequestScope()?.requestId ?? requestIdFrom(req.headers[REQUEST_ID_HEADER]);
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
