import type { ServerResponse } from 'node:http';
import { readBodyWithin, type Route } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { IdentityServices } from '../context.js';
import type { IdentityDatabase } from '../db/database.js';
import { issuePartnerToken } from '../services/partner-client.service.js';

/** Where partner clients trade their credentials for an access token. */
export const OAUTH_TOKEN_PATH = '/oauth/token';

/** A token request is a few short form fields. */
const MAX_BODY_BYTES = 4096;

/** The error codes of RFC 6749 §5.2 this endpoint answers with. */
type OAuthError = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type';

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  // RFC 6749 §5.1: token answers are never cached.
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    pragma: 'no-cache',
    ...headers,
  });
  res.end(text);
}

function refuse(res: ServerResponse, error: OAuthError, description: string): void {
  // invalid_client with 401 and a Basic challenge (RFC 6749 §5.2); the others with 400.
  if (error === 'invalid_client') send(res, 401, { error, error_description: description }, { 'www-authenticate': 'Basic realm="oauth"' });
  else send(res, 400, { error, error_description: description });
}

/** The client id and secret of an `Authorization: Basic` header (RFC 6749 §2.3.1: each form-encoded), or null. */
function basicCredentials(header: string | undefined): { clientId: string; clientSecret: string } | null | 'malformed' {
  if (!header) return null;
  const match = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header.trim());
  if (!match) return 'malformed';
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  try {
    const decode = (part: string) => decodeURIComponent(part.replaceAll('+', ' '));
    return { clientId: decode(decoded.slice(0, colon)), clientSecret: decode(decoded.slice(colon + 1)) };
  } catch {
    return 'malformed';
  }
}

/**
 * POST /oauth/token: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4) for partner
 * clients. Credentials come by HTTP Basic or as the form fields client_id and client_secret
 * (one way only); the answer is `{ access_token, token_type: "Bearer", expires_in }`, errors
 * are RFC 6749 §5.2 JSON. Open like the JWKS route: the client credentials are the proof.
 */
export function oauthTokenRoute(db: Kysely<IdentityDatabase>, services: IdentityServices): Route {
  return async (req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' });
      res.end();
      return;
    }
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      return refuse(res, 'invalid_request', 'The body must be application/x-www-form-urlencoded.');
    }
    const body = await readBodyWithin(req, MAX_BODY_BYTES);
    const form = body === null ? null : new URLSearchParams(body);
    if (!form) return refuse(res, 'invalid_request', `The body is larger than ${MAX_BODY_BYTES} bytes.`);
    const grantType = form.get('grant_type');
    if (!grantType) return refuse(res, 'invalid_request', 'grant_type is missing.');
    if (grantType !== 'client_credentials') return refuse(res, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
    const basic = basicCredentials(req.headers.authorization);
    if (basic === 'malformed') return refuse(res, 'invalid_client', 'The Authorization header must be "Basic <client_id:client_secret>".');
    const inForm = form.has('client_id') || form.has('client_secret');
    if (basic && inForm) return refuse(res, 'invalid_request', 'Send the client credentials one way only: Basic or form fields.');
    const credentials = basic ?? { clientId: form.get('client_id') ?? '', clientSecret: form.get('client_secret') ?? '' };
    if (!credentials.clientId || !credentials.clientSecret) return refuse(res, 'invalid_client', 'client_id and client_secret are required.');
    const token = await issuePartnerToken(db, services, credentials);
    if (!token) return refuse(res, 'invalid_client', 'Unknown client, wrong secret or revoked client.');
    send(res, 200, {
      access_token: token.token,
      token_type: 'Bearer',
      expires_in: Math.ceil((token.expiresAt.getTime() - Date.now()) / 1000),
    });
  };
}
