import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError } from '@academy/service-kit';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientAddressOf, proxyTrustOf } from '../src/client-address.js';
import { loadGatewayConfig } from '../src/config.js';

const SECRET = 'x'.repeat(32);

/** Answers each request with the client address the gateway would take, under TRUST_PROXY=`trustProxy`. */
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const setting = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').searchParams.get('trust') ?? 'false');
    const trust = proxyTrustOf(loadGatewayConfig({ GATEWAY_SECRET: SECRET, TRUST_PROXY: setting }).TRUST_PROXY);
    res.end(clientAddressOf(req, trust) ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const addressSeen = async (trust: string, forwardedFor?: string) =>
  (await fetch(`${url}?trust=${encodeURIComponent(trust)}`, { headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } })).text();

describe('TRUST_PROXY', () => {
  it('ignores X-Forwarded-For unless proxies are trusted', async () => {
    for (const trust of ['false', '0']) expect(await addressSeen(trust, '198.51.100.1')).toBe('127.0.0.1');
  });

  it('with true or a number, takes the entry that many hops from the right: entries further left are the client’s own', async () => {
    // The client wrote 198.51.100.1; the proxy appended the address it was called from.
    expect(await addressSeen('true', '198.51.100.1, 203.0.113.9')).toBe('203.0.113.9');
    expect(await addressSeen('1', '198.51.100.1, 203.0.113.9')).toBe('203.0.113.9');
    // Two proxies: the outer one appended the client, the inner one the outer proxy.
    expect(await addressSeen('2', '198.51.100.1, 203.0.113.9, 10.0.0.5')).toBe('203.0.113.9');
    // Fewer entries than trusted hops: the leftmost there is.
    expect(await addressSeen('3', '203.0.113.9')).toBe('203.0.113.9');
    expect(await addressSeen('true')).toBe('127.0.0.1');
  });

  it('with addresses and ranges, skips from the right the hops that are in them', async () => {
    expect(await addressSeen('127.0.0.1, 10.0.0.0/8', '198.51.100.1, 203.0.113.9, 10.1.2.3')).toBe('203.0.113.9');
    expect(await addressSeen('loopback', '198.51.100.1, 203.0.113.9')).toBe('203.0.113.9');
    // The socket's peer is not a trusted proxy: the header is not read at all.
    expect(await addressSeen('10.0.0.0/8', '198.51.100.1')).toBe('127.0.0.1');
  });

  it('refuses values that are none of these at start-up, naming the variable', () => {
    for (const value of ['yes', '127.0.0.1,,10.0.0.1', '300.1.1.1', '10.0.0.0/40']) {
      let error: unknown;
      try {
        loadGatewayConfig({ GATEWAY_SECRET: SECRET, TRUST_PROXY: value });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems[0]).toMatch(/^TRUST_PROXY: /);
    }
  });
});
