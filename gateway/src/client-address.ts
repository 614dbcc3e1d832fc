import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/**
 * Which hops in front of the gateway are trusted to report the client's address in
 * X-Forwarded-For: none, the nearest `hops` ones, or those whose address is in a list.
 */
export type TrustedProxies = { hops: number } | { addresses: string[] };

/** Decides, hop by hop from the socket outwards, whether a hop is one of our proxies. */
export type ProxyTrust = (address: string, hop: number) => boolean;

/** The trust rule for `proxies`: a counted number of hops, or proxy-addr's address matcher. */
export function proxyTrustOf(proxies: TrustedProxies): ProxyTrust {
  if ('hops' in proxies) {
    const { hops } = proxies;
    return (_address, hop) => hop < hops;
  }
  return proxyAddr.compile(proxies.addresses);
}

/**
 * The client's address. X-Forwarded-For is read from the right: each trusted proxy appends
 * the address it was called from, so the first untrusted hop is the client; entries further
 * left were written by the client itself and are never used.
 */
export function clientAddressOf(req: IncomingMessage, trust: ProxyTrust): string | null {
  if (!req.socket.remoteAddress) return null;
  return proxyAddr(req, trust);
}

/**
 * TRUST_PROXY's value: `false`/`0` (no proxy: the socket's address), `true` (one proxy, the
 * usual load balancer in front), a number of proxies, or a comma-separated list of proxy
 * addresses and CIDR ranges (and proxy-addr's names `loopback`, `linklocal`, `uniquelocal`).
 * Null when it is none of these.
 */
export function parseTrustedProxies(value: string): TrustedProxies | null {
  const text = value.trim();
  if (text === 'false') return { hops: 0 };
  if (text === 'true') return { hops: 1 };
  if (/^\d{1,2}$/.test(text)) return { hops: Number(text) };
  const addresses = text.split(',').map((entry) => entry.trim());
  if (addresses.some((entry) => entry === '')) return null;
  try {
    proxyAddr.compile(addresses);
  } catch {
    return null;
  }
  return { addresses };
}
