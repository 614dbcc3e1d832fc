import { jwtVerify, SignJWT } from 'jose';
import { ROLES, type RequestCaller, type Role } from './auth.js';

/** The header in which the gateway passes the caller to subgraphs. */
export const CALLER_HEADER = 'x-academy-caller';

const ISSUER = 'academy-gateway';
const AUDIENCE = 'academy-subgraphs';
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

const encoder = new TextEncoder();

function key(secret: string): Uint8Array {
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`the gateway secret must be at least ${MIN_SECRET_LENGTH} characters`);
  return encoder.encode(secret);
}

/**
 * Signs who is calling, for the subgraphs: an HS256 token over the viewer, the client's
 * address and the request id, valid for a minute, with a secret only the gateway and the
 * subgraphs share.
 */
export async function signCallerToken(caller: RequestCaller, secret: string): Promise<string> {
  return new SignJWT({
    roles: caller.viewer?.roles ?? [],
    ip: caller.clientAddress,
    rid: caller.requestId,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(caller.viewer?.userId ?? 'anonymous')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${LIFETIME_SECONDS}s`)
    .sign(key(secret));
}

/** Verifies a caller token; CallerTokenError when it is missing, forged, expired or malformed. */
export async function verifyCallerToken(token: string | undefined, secret: string): Promise<RequestCaller> {
  if (!token) throw new CallerTokenError('no gateway credentials');
  let payload;
  try {
    ({ payload } = await jwtVerify(token, key(secret), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['exp', 'iat', 'sub'],
      maxTokenAge: `${LIFETIME_SECONDS + 5}s`,
    }));
  } catch {
    throw new CallerTokenError('invalid gateway credentials');
  }
  const roles = payload.roles;
  if (!Array.isArray(roles) || !roles.every((r): r is Role => (ROLES as readonly unknown[]).includes(r))) {
    throw new CallerTokenError('invalid gateway credentials');
  }
  const ip = typeof payload.ip === 'string' ? payload.ip : null;
  const rid = typeof payload.rid === 'string' ? payload.rid : null;
  const viewer = payload.sub && payload.sub !== 'anonymous' ? { userId: payload.sub, roles } : null;
  return { viewer, clientAddress: ip, requestId: rid };
}
