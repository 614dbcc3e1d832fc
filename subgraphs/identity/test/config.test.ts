import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@academy/service-kit';
import { generateKeyPairSync } from 'node:crypto';
import { DEFAULT_MAIL_DIR, loadIdentityConfig } from '../src/config.js';

const REQUIRED = { DATABASE_URL: 'postgres://identity@localhost/academy', GATEWAY_SECRET: 'x'.repeat(32) };

describe('identity configuration', () => {
  it('has working defaults for everything but the database and the gateway secret', () => {
    const config = loadIdentityConfig(REQUIRED);
    expect(config).toMatchObject({
      PORT: 4001,
      JWT_ISSUER: 'academy-supergraph',
      JWT_AUDIENCE: 'academy-api',
      ACCESS_TOKEN_TTL_SECONDS: 900,
      REFRESH_TOKEN_TTL_DAYS: 30,
      APP_URL: 'http://localhost:3000',
      MAIL_DIR: DEFAULT_MAIL_DIR,
      LOGIN_MAX_FAILURES_PER_ACCOUNT: 5,
      LOGIN_MAX_FAILURES_PER_ADDRESS: 20,
      LOGIN_FAILURE_WINDOW_SECONDS: 900,
    });
    expect(config.JWT_PRIVATE_KEY).toBeUndefined();
    expect(config.SMTP_URL).toBeUndefined();
    expect(DEFAULT_MAIL_DIR).toMatch(/\.data[/\\]mail$/);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('lists every problem at once', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    let error: unknown;
    try {
      loadIdentityConfig({
        GATEWAY_SECRET: 'short',
        JWT_PRIVATE_KEY: rsa,
        SMTP_URL: 'http://mail.example',
        APP_URL: 'ftp://app.example',
        LOGIN_MAX_FAILURES_PER_ACCOUNT: '0',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const fields = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(fields.sort()).toEqual(['APP_URL', 'DATABASE_URL', 'GATEWAY_SECRET', 'JWT_PRIVATE_KEY', 'LOGIN_MAX_FAILURES_PER_ACCOUNT', 'SMTP_URL']);
  });

  it('wants JWT_KEY_ID only together with JWT_PRIVATE_KEY, and treats empty values as unset', () => {
    expect(() => loadIdentityConfig({ ...REQUIRED, JWT_KEY_ID: 'k1' })).toThrow(/JWT_KEY_ID: is only used together with JWT_PRIVATE_KEY/);
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const config = loadIdentityConfig({ ...REQUIRED, JWT_PRIVATE_KEY: pem, JWT_KEY_ID: 'k1', SMTP_URL: '', APP_URL: 'https://app.example/' });
    expect(config).toMatchObject({ JWT_PRIVATE_KEY: pem.trim(), JWT_KEY_ID: 'k1', APP_URL: 'https://app.example' });
    expect(config.SMTP_URL).toBeUndefined();
  });
});
