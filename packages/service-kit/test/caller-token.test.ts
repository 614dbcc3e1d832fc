import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { jwtVerify } from 'jose';
import { CallerTokenError, signCallerToken, verifyCallerToken, type RequestCaller } from '../src/index.js';

const SECRET = 's'.repeat(40);
const SUBGRAPH = 'learning';
const CALLER: RequestCaller = { viewer: { userId: '42', roles: ['LEARNER', 'TRAINER'] }, clientAddress: '10.0.0.1', requestId: 'r-1' };

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A token signed with the right secret over any header and claims. */
function forge(header: unknown, claims: Record<string, unknown>, secret = SECRET): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
const now = () => Math.floor(Date.now() / 1000);
const valid = () => ({ roles: [], sub: '42', iss: 'academy-gateway', aud: 'academy-subgraph:learning', iat: now(), exp: now() + 60 });

describe('caller tokens', () => {
  it('carry the viewer, address and request id there and back', async () => {
    expect(await verifyCallerToken(await signCallerToken(CALLER, SECRET, SUBGRAPH), SECRET, SUBGRAPH)).toEqual(CALLER);
    const anonymous = { viewer: null, clientAddress: null, requestId: null };
    expect(await verifyCallerToken(await signCallerToken(anonymous, SECRET, SUBGRAPH), SECRET, SUBGRAPH)).toEqual(anonymous);
  });

  it('are standard HS256 JWTs', async () => {
    const { payload, protectedHeader } = await jwtVerify(await signCallerToken(CALLER, SECRET, SUBGRAPH), new TextEncoder().encode(SECRET));
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toMatchObject({ sub: '42', iss: 'academy-gateway', aud: 'academy-subgraph:learning', roles: ['LEARNER', 'TRAINER'] });
  });

  it('refuse anything not signed by the gateway or out of date', async () => {
    const token = await signCallerToken(CALLER, SECRET, SUBGRAPH);
    const [header, body, signature] = token.split('.') as [string, string, string];
    const tampered = `${header}.${b64({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), roles: ['ADMIN'] })}.${signature}`;
    const refused = [
      undefined,
      '',
      'not.a.token',
      tampered,
      `${header}.${body}.`,
      await signCallerToken(CALLER, 'o'.repeat(40), SUBGRAPH),
      forge({ alg: 'none', typ: 'JWT' }, valid()),
      forge({ alg: 'HS256', typ: 'JWT', crit: ['x'] }, valid()),
      forge({ alg: 'HS256', typ: 'JWT' }, { ...valid(), exp: now() - 30 }),
      forge({ alg: 'HS256', typ: 'JWT' }, { ...valid(), iat: now() - 600, exp: now() + 60 }),
      forge({ alg: 'HS256', typ: 'JWT' }, { ...valid(), iat: now() + 600 }),
      forge({ alg: 'HS256', typ: 'JWT' }, { ...valid(), aud: 'someone-else' }),
      forge({ alg: 'HS256', typ: 'JWT' }, { ...valid(), iss: 'someone-else' }),
      forge({ alg: 'HS256', typ: 'JWT' }, { ...valid(), sub: undefined }),
      forge({ alg: 'HS256', typ: 'JWT' }, { ...valid(), roles: ['EMPEROR'] }),
    ];
    for (const candidate of refused) await expect(verifyCallerToken(candidate, SECRET, SUBGRAPH)).rejects.toBeInstanceOf(CallerTokenError);
    // The same construction with valid claims passes: the cases above fail for their one defect.
    expect((await verifyCallerToken(forge({ alg: 'HS256', typ: 'JWT' }, valid()), SECRET, SUBGRAPH)).viewer?.userId).toBe('42');
  });

  it('are good for the one subgraph they were signed for', async () => {
    const token = await signCallerToken(CALLER, SECRET, 'identity');
    expect(await verifyCallerToken(token, SECRET, 'identity')).toEqual(CALLER);
    for (const other of ['learning', 'community', 'identity ', '']) {
      await expect(verifyCallerToken(token, SECRET, other)).rejects.toThrow(/another subgraph/);
    }
    // A token without a subgraph (or with the audience once shared by all) is no longer accepted.
    await expect(verifyCallerToken(forge({ alg: 'HS256', typ: 'JWT' }, { ...valid(), aud: 'academy-subgraphs' }), SECRET, SUBGRAPH)).rejects.toBeInstanceOf(CallerTokenError);
    await expect(verifyCallerToken(forge({ alg: 'HS256', typ: 'JWT' }, { ...valid(), aud: undefined }), SECRET, SUBGRAPH)).rejects.toBeInstanceOf(CallerTokenError);
  });

  it('need a secret of at least 32 characters', async () => {
    await expect(signCallerToken(CALLER, 'short', SUBGRAPH)).rejects.toThrow(/at least 32/);
  });
});
