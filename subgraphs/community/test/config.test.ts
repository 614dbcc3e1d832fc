import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@academy/service-kit';
import { loadCommunityConfig } from '../src/config.js';

const base = { DATABASE_URL: 'postgres://community@127.0.0.1:5432/academy', GATEWAY_SECRET: 'x'.repeat(32) };

describe('community configuration', () => {
  it('fans out over PostgreSQL unless REDIS_URL is set (empty counts as unset)', () => {
    const config = loadCommunityConfig(base);
    expect(config.PORT).toBe(4005);
    expect(config.REDIS_URL).toBeUndefined();
    expect(loadCommunityConfig({ ...base, REDIS_URL: '' }).REDIS_URL).toBeUndefined();
    expect(loadCommunityConfig({ ...base, REDIS_URL: 'redis://127.0.0.1:6379' }).REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(loadCommunityConfig({ ...base, REDIS_URL: 'rediss://cache.internal:6380/2' }).REDIS_URL).toBe('rediss://cache.internal:6380/2');
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadCommunityConfig({ DATABASE_URL: 'mysql://nope', REDIS_URL: 'http://127.0.0.1:6379' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(expect.arrayContaining(['DATABASE_URL', 'GATEWAY_SECRET', 'REDIS_URL']));
  });
});
