// What the gateway's data sources send the probe subgraph (@academy/service-kit/testing), for
// tests of the subgraph fetcher: a fetch's init with its caller token, and the fetcher's view.
import { CALLER_HEADER, signCallerToken } from '@academy/service-kit';

/** The members of an answer the tests read. */
export type Answer = { status: number; ok: boolean; headers: { get(name: string): string | null }; json(): Promise<unknown>; text(): Promise<string> };
/** The subgraph fetcher as the data sources call it. */
export type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<Answer>;

/** A data source's fetch for request `requestId`: its caller token (signed with `secret` for the probe) and body, as the gateway sends them. */
export async function probeFetchInit(secret: string, requestId: string, body: unknown) {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [CALLER_HEADER]: await signCallerToken({ viewer: null, clientAddress: null, requestId }, secret, 'probe'),
      'x-request-id': requestId,
    },
    body: JSON.stringify(body),
  };
}
