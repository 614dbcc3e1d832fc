import { createHmac, timingSafeEqual } from 'node:crypto';
import { parsePartnerGrants, ROLES, type RequestCaller, type Role } from './auth.js';

/** The header in which the gateway passes the caller to subgraphs. */
export const CALLER_HEADER = 'x-academy-caller';

const ISSUER = 'academy-gateway';
/** The `aud` of a token meant for the subgraph named `subgraph` (as composed into the supergraph). */
const audienceOf = (subgraph: string) => `academy-subgraph:${subgraph}`;
/** Long enough for one request's query plan, short enough that a leaked token soon expires. */
const LIFETIME_SECONDS = 60;
const MIN_SECRET_LENGTH = 32;

/** Thrown when a request does not carry valid gateway credentials. */
export class CallerTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CallerTokenError';
  }
}

/** The only header this module signs or accepts. */
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
/** Allowed difference between the gateway's and a subgraph's clocks. */
const CLOCK_SKEW_SECONDS = 5;

function checkSecret(secret: string): void {
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`the gateway secret must be at least ${MIN_SECRET_LENGTH} characters`);
}

const signature = (signingInput: string, secret: string) => createHmac('sha256', secret).update(signingInput).digest();

/**
 * Signs who is calling, for one subgraph: an HS256 JWT over the viewer (a partner client's
 * grants included), the client's address and the request id, valid for a minute, for the subgraph named `subgraph` only (its `aud`),
 * with a secret only the gateway and that subgraph share. A token seen by one subgraph is
 * therefore no use against another. Signed with node:crypto's HMAC directly: it is on the
 * path of every subgraph fetch and every subscription, and costs a few microseconds this way.
 */
export async function signCallerToken(caller: RequestCaller, secret: string, subgraph: string): Promise<string> {
  checkSecret(secret);
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    roles: caller.viewer?.roles ?? [],
    ...(caller.viewer?.grants ? { grants: caller.viewer.grants } : {}),
    ip: caller.clientAddress,
    rid: caller.requestId,
    sub: caller.viewer?.userId ?? 'anonymous',
    iss: ISSUER,
    aud: audienceOf(subgraph),
    iat: now,
    exp: now + LIFETIME_SECONDS,
  };
  const signingInput = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${signingInput}.${signature(signingInput, secret).toString('base64url')}`;
}

const invalid = () => new CallerTokenError('invalid gateway credentials');

/**
 * Verifies a caller token for the subgraph named `subgraph`; CallerTokenError when it is
 * missing, forged, expired, malformed or meant for another subgraph.
 */
export async function verifyCallerToken(token: string | undefined, secret: string, subgraph: string): Promise<RequestCaller> {
  if (!token) throw new CallerTokenError('no gateway credentials');
  checkSecret(secret);
  const parts = token.split('.');
  if (parts.length !== 3) throw invalid();
  const [header, body, signed] = parts as [string, string, string];
  // Only the exact header this module writes: no other algorithm, no "crit", no key hints.
  if (header !== HEADER) throw invalid();
  const expected = signature(`${header}.${body}`, secret);
  const given = Buffer.from(signed, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw invalid();
  }
  if (typeof payload !== 'object' || payload === null) throw invalid();
  const now = Math.floor(Date.now() / 1000);
  const { iss, aud, iat, exp, sub } = payload;
  if (iss !== ISSUER || typeof sub !== 'string' || sub === '') throw invalid();
  if (aud !== audienceOf(subgraph)) throw new CallerTokenError('gateway credentials meant for another subgraph');
  if (typeof exp !== 'number' || exp <= now - CLOCK_SKEW_SECONDS) throw invalid();
  if (typeof iat !== 'number' || iat > now + CLOCK_SKEW_SECONDS || now - iat > LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) throw invalid();
  const roles = payload.roles;
  if (!Array.isArray(roles) || !roles.every((r): r is Role => (ROLES as readonly unknown[]).includes(r))) throw invalid();
  const ip = typeof payload.ip === 'string' ? payload.ip : null;
  const rid = typeof payload.rid === 'string' ? payload.rid : null;
  let viewer: RequestCaller['viewer'] = sub !== 'anonymous' ? { userId: sub, roles } : null;
  if (payload.grants !== undefined) {
    const grants = parsePartnerGrants(payload.grants);
    if (!grants || !viewer) throw invalid();
    viewer = { ...viewer, grants };
  }
  return { viewer, clientAddress: ip, requestId: rid };
}
