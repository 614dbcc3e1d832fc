// What Hive Gateway must do in front of our subgraphs, as our gateway does it
// (gateway/src/context.ts, gateway/src/subgraph-client.ts): verify the client's access token
// against identity's keys (../access-token.ts, as the gateway verifies it), sign the caller
// (viewer, client address, request id) with the gateway secret once per request and subgraph
// (each token names its subgraph), and send that token with every request of it to that
// subgraph in the `x-academy-caller` header. Subgraphs refuse requests without it. The caller
// is signed by service-kit's own signCallerToken, so both gateways do the same work for it.
//
// The header goes in through the subgraph request's `extensions.headers` (as Hive's own
// propagateHeaders does), not by changing the fetch: Hive merges identical subgraph requests in
// flight, and only headers given this way count towards "identical". Added at fetch time
// instead, two users' `me` requests in flight together become one, and one user is sent the
// other's profile (the benchmark's answer check catches it).
//
// Typed with the few fields of Hive Gateway's hook payloads used here: Hive is installed on
// demand outside the workspace (bench/.hive), so its types are not available to the type check.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestCaller } from '../../../packages/service-kit/src/auth.js';
import { CALLER_HEADER, signCallerToken } from '../../../packages/service-kit/src/caller-token.js';
import { AccessTokenError, bearerToken, createAccessTokenVerifier } from '../access-token.js';
import { ErrorCode } from '../../../packages/service-kit/src/error-codes.js';

/** As gateway/src/context.ts: a client's request id is kept when it looks like one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

interface RequestHookPayload {
  request: Request;
  url: URL;
  serverContext: { req?: IncomingMessage } | undefined;
  fetchAPI: { Response: typeof Response };
  endResponse(response: Response): void;
}

interface SubgraphExecuteHookPayload {
  subgraphName: string;
  executionRequest: { context?: { request?: Request }; extensions?: Record<string, unknown> & { headers?: Record<string, string> } };
}

/** A Hive Gateway plugin: the two hooks this one uses. */
export interface CallerPlugin {
  onRequest(payload: RequestHookPayload): Promise<void>;
  onSubgraphExecute(payload: SubgraphExecuteHookPayload): Promise<void>;
}

export function useAcademyCaller(options: { jwksUrl: string; gatewaySecret: string; graphqlPath?: string }): CallerPlugin {
  const verify = createAccessTokenVerifier(options.jwksUrl);
  const graphqlPath = options.graphqlPath ?? '/graphql';
  // The caller of each client request and its tokens by subgraph, until the request is gone.
  const callers = new WeakMap<Request, { caller: RequestCaller; tokens: Map<string, Promise<string>> }>();

  return {
    async onRequest({ request, url, serverContext, fetchAPI, endResponse }) {
      if (url.pathname !== graphqlPath) return;
      try {
        const token = bearerToken(request.headers.get('authorization'));
        const viewer = token === undefined ? null : await verify(token);
        const given = request.headers.get('x-request-id');
        const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
        const clientAddress = serverContext?.req?.socket.remoteAddress ?? null;
        callers.set(request, { caller: { viewer, clientAddress, requestId }, tokens: new Map() });
      } catch (error) {
        if (!(error instanceof AccessTokenError)) throw error;
        const body = JSON.stringify({ errors: [{ message: error.message, extensions: { code: ErrorCode.UNAUTHENTICATED } }] });
        endResponse(new fetchAPI.Response(body, { status: 401, headers: { 'content-type': 'application/json; charset=utf-8' } }));
      }
    },
    async onSubgraphExecute({ subgraphName, executionRequest }) {
      const request = executionRequest.context?.request;
      const signed = request && callers.get(request);
      if (!signed) return;
      let token = signed.tokens.get(subgraphName);
      if (!token) {
        token = signCallerToken(signed.caller, options.gatewaySecret, subgraphName);
        signed.tokens.set(subgraphName, token);
      }
      // A new extensions object, never the one given: the Rust planner's executor hands every
      // fetch of a request the client request's own extensions object (when it has one), and
      // headers written into it would reach the request's other fetches, to other subgraphs.
      const extensions = executionRequest.extensions;
      executionRequest.extensions = { ...extensions, headers: { ...extensions?.headers, [CALLER_HEADER]: await token } };
    },
  };
}
