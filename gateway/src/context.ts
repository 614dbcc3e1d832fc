import type { IncomingMessage } from 'node:http';
import { REQUEST_ID_HEADER, requestIdFrom, requestScopeOf, type RequestCaller, type RequestScope } from '@academy/service-kit';
import { bearerToken, type AccessTokenVerifier } from './access-token.js';
import type { CallerSigner, CallerTokens } from './caller-signing.js';
import { clientAddressOf, type ProxyTrust } from './client-address.js';

/** The gateway's per-request context. */
export interface GatewayContext {
  requestId: string;
  /** What the request's access line reports (absent for a subscription's events). */
  requestScope?: RequestScope;
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
 * Who is calling, verified once per request: the access token (if any) and the client's
 * address. Headers a client sends that look like internal ones are never read: subgraphs get
 * only what the gateway verified, signed.
 */
export async function createGatewayContext(req: IncomingMessage, options: CallerOptions): Promise<GatewayContext> {
  // The id its access log gave it (the client's well-formed `x-request-id`, else a new one),
  // or, outside one, made the same way.
  const requestScope = requestScopeOf(req);
  const requestId = requestScope?.requestId ?? requestIdFrom(req.headers[REQUEST_ID_HEADER]);
  const token = bearerToken(req.headers.authorization);
  const viewer = token === undefined ? null : (await options.verifier.verify(token)).viewer;
  const caller: RequestCaller = { viewer, clientAddress: clientAddressOf(req, options.trustProxy), requestId };
  return { requestId, requestScope, caller, callerTokens: options.signer.tokensFor(caller) };
}
