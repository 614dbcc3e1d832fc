import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadGatewayConfig, corsOrigins } from '../src/config.js';
import { createCorsHandler } from '../src/cors.js';

const SECRET = 'x'.repeat(32);

/** A server whose CORS handler follows the configuration given in the query string. */
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const env = Object.fromEntries(new URL(req.url ?? '/', 'http://localhost').searchParams);
    const handled = await createCorsHandler(corsOrigins(loadGatewayConfig({ GATEWAY_SECRET: SECRET, ...env })))(req, res);
    if (!handled) res.end('answered');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function allowedOrigin(origin: string, env: Record<string, string> = {}): Promise<string | null> {
  const response = await fetch(`${url}?${new URLSearchParams(env)}`, { method: 'POST', headers: { origin } });
  await response.text();
  return response.headers.get('access-control-allow-origin');
}

describe('CORS_ORIGINS', () => {
  it('allows localhost on any port by default in development, and nothing by default in production', async () => {
    expect(await allowedOrigin('http://localhost:3000')).toBe('http://localhost:3000');
    expect(await allowedOrigin('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(await allowedOrigin('http://localhost:3000', { NODE_ENV: 'production' })).toBeNull();
    expect(await allowedOrigin('http://localhost:3000.evil.example')).toBeNull();
  });

  it('allows exactly the configured origins, with * for labels of a host', async () => {
    const env = { NODE_ENV: 'production', CORS_ORIGINS: 'https://app.example.test,https://*.preview.example.test' };
    expect(await allowedOrigin('https://app.example.test', env)).toBe('https://app.example.test');
    expect(await allowedOrigin('https://pr-12.preview.example.test', env)).toBe('https://pr-12.preview.example.test');
    for (const origin of ['http://app.example.test', 'https://app.example.test:8443', 'https://preview.example.test', 'https://evil.example.test', 'http://localhost:3000']) {
      expect(await allowedOrigin(origin, env)).toBeNull();
    }
    // Empty: none, in development too.
    expect(await allowedOrigin('http://localhost:3000', { CORS_ORIGINS: '' })).toBeNull();
  });

  it('refuses entries that are not origins at start-up', () => {
    for (const value of ['*', 'app.example.test', 'https://app.example.test/path', 'ftp://files.example.test']) {
      expect(() => loadGatewayConfig({ GATEWAY_SECRET: SECRET, CORS_ORIGINS: value })).toThrow(/CORS_ORIGINS: must be a comma-separated list of origins/);
    }
  });
});
