import { describe, expect, it } from '@jest/globals';
import { CallerTokenError, verifyCallerToken, type RequestCaller } from '@academy/service-kit';
import { CallerSigner } from '../src/caller-signing.js';
import { loadGatewayConfig, subgraphSecrets } from '../src/config.js';

const SHARED = 's'.repeat(40);
const LEARNING = 'l'.repeat(40);
const CALLER: RequestCaller = { viewer: { userId: '7', roles: ['LEARNER'] }, clientAddress: '203.0.113.1', requestId: 'request-1' };

describe('caller signing', () => {
  it('signs for each subgraph with its own secret where one is configured, GATEWAY_SECRET elsewhere', async () => {
    const config = loadGatewayConfig({ GATEWAY_SECRET: SHARED, LEARNING_GATEWAY_SECRET: LEARNING });
    const signer = new CallerSigner(config.GATEWAY_SECRET, subgraphSecrets(config));
    expect(await verifyCallerToken(await signer.sign(CALLER, 'learning'), LEARNING, 'learning')).toEqual(CALLER);
    await expect(verifyCallerToken(await signer.sign(CALLER, 'learning'), SHARED, 'learning')).rejects.toBeInstanceOf(CallerTokenError);
    expect(await verifyCallerToken(await signer.sign(CALLER, 'identity'), SHARED, 'identity')).toEqual(CALLER);
  });

  it('signs once per request and subgraph', async () => {
    const tokens = new CallerSigner(SHARED).tokensFor(CALLER);
    const first = await tokens.for('learning');
    expect(await tokens.for('learning')).toBe(first);
    expect(await tokens.for('identity')).not.toBe(first);
  });

  it('refuses a short per-subgraph secret at start-up', () => {
    expect(() => loadGatewayConfig({ GATEWAY_SECRET: SHARED, COMMUNITY_GATEWAY_SECRET: 'short' })).toThrow(/COMMUNITY_GATEWAY_SECRET: must be at least 32 characters/);
  });
});
