import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, mintTestAccessToken } from '@academy/service-kit/testing';
import { createAccessTokenVerifier } from '../src/access-token.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');

const mint = (expiresAt: number, roles = ['LEARNER']) => mintTestAccessToken({ userId: '7', roles, privateKey, expiresAt });

function verifier() {
  let lookups = 0;
  const verify = createAccessTokenVerifier({
    jwksUrl: 'http://127.0.0.1:9/unused',
    issuer: ACCESS_TOKEN_ISSUER,
    audience: ACCESS_TOKEN_AUDIENCE,
    keys: async () => {
      lookups += 1;
      return publicKey;
    },
  });
  return { verify, lookups: () => lookups };
}

describe('access token verification', () => {
  it('checks a token once and reuses the result while it is valid', async () => {
    const { verify, lookups } = verifier();
    const token = await mint(Math.floor(Date.now() / 1000) + 600);
    const first = await verify.verify(token);
    expect(await verify.verify(token)).toBe(first);
    expect(first.viewer).toEqual({ userId: '7', roles: ['LEARNER'] });
    expect(lookups()).toBe(1);
  });

  it('refuses a remembered token once it has expired', async () => {
    const { verify } = verifier();
    const token = await mint(Math.floor(Date.now() / 1000) + 1);
    await verify.verify(token);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await expect(verify.verify(token)).rejects.toThrow(/expired/);
  });

  it('never remembers a refusal: a tampered copy of a valid token is refused', async () => {
    const { verify } = verifier();
    const token = await mint(Math.floor(Date.now() / 1000) + 600);
    await verify.verify(token);
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ sub: '1', roles: ['ADMIN'], iss: ACCESS_TOKEN_ISSUER, aud: ACCESS_TOKEN_AUDIENCE, exp: 9_999_999_999, iat: 1 })).toString('base64url')}.${signature}`;
    await expect(verify.verify(forged)).rejects.toThrow(/not valid/);
    await expect(verify.verify(forged)).rejects.toThrow(/not valid/);
  });
});
