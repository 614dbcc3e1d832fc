import type { Route } from '@academy/service-kit';
import type { SigningKeyStore } from '../security/signing-keys.js';

/** Where identity publishes the public keys of its access tokens. */
export const JWKS_PATH = '/.well-known/jwks.json';

/**
 * GET /.well-known/jwks.json: the current and recently retired public keys, as a JWK Set.
 * Public, and cacheable for 5 minutes; a verifier meeting an unknown kid fetches it again.
 */
export function jwksRoute(keys: SigningKeyStore): Route {
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const body = JSON.stringify({ keys: await keys.publishedKeys() });
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'public, max-age=300',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
