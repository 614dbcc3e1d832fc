import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PLAYGROUND_ASSETS_DIR } from './build.js';

/** Where the page's scripts, styles, workers and font are served. */
export const PLAYGROUND_ASSET_PATH = '/playground/';

/**
 * Only this origin: scripts, workers, fonts and the API (HTTP and WebSocket, which 'self'
 * covers). GraphiQL and Monaco set inline styles at run time (style attributes, <style>
 * elements): without 'unsafe-inline' for styles alone, Chromium refuses dozens of them. Fonts
 * and icons are data: URLs inside the bundled CSS.
 */
export const PLAYGROUND_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
};

interface Asset {
  type: string;
  body: Buffer;
  gzipped: Buffer;
}

function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const body = readFileSync(join(dir, name));
    // Compressed once: the page's script is megabytes (Monaco), a tenth of it gzipped.
    assets.set(name, { type, body, gzipped: gzipSync(body) });
  }
  return assets;
}

const SECURITY_HEADERS = {
  'content-security-policy': PLAYGROUND_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

function send(req: IncomingMessage, res: ServerResponse, asset: Asset): void {
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? asset.gzipped : asset.body;
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': asset.type,
    'content-length': body.length,
    'cache-control': 'no-cache',
    vary: 'accept-encoding',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Whether a request to the GraphQL path is a browser asking for a page rather than a client for data. */
const wantsPage = (req: IncomingMessage) => /\btext\/html\b/.test(String(req.headers.accept ?? ''));

/**
 * Serves the playground from the bundle in `dir` (see buildPlayground): the page at `graphqlPath`
 * for a browser (Accept: text/html), its files under /playground/. Answers true when it did.
 */
export function createPlaygroundHandler(graphqlPath: string, dir = PLAYGROUND_ASSETS_DIR) {
  const assets = loadAssets(dir);
  const page = assets.get('index.html');
  if (!page) throw new Error(`the playground is not built in ${dir}`);
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === graphqlPath && wantsPage(req)) {
      send(req, res, page);
      return true;
    }
    if (!pathname.startsWith(PLAYGROUND_ASSET_PATH)) return false;
    const asset = assets.get(pathname.slice(PLAYGROUND_ASSET_PATH.length));
    if (!asset) return false;
    send(req, res, asset);
    return true;
  };
}
