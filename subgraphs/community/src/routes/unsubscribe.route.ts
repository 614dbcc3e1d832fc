import type { ServerResponse } from 'node:http';
import type { Logger, Route } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { CommunityDatabase } from '../db/database.js';
import type { LinkTokens } from '../security/link-tokens.js';
import { UNSUBSCRIBE_PATH } from '../services/notification-delivery.service.js';
import { NOTIFICATION_KINDS, isNotificationKind } from '../services/notification-kinds.js';
import { unsubscribeFromEmails } from '../services/notification-preference.service.js';

export { UNSUBSCRIBE_PATH };

function page(res: ServerResponse, status: number, message: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>E-mail preferences</title></head><body><p>${message}</p></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(Buffer.byteLength(html)),
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
  res.end(html);
}

/**
 * GET (or one-click POST, RFC 8058) /notifications/unsubscribe?token=…: the link in every
 * notification e-mail. It works without signing in: the token itself, HMAC-signed for one user,
 * one kind and the purpose 'unsubscribe' only, with an expiry, is the proof. A missing, forged,
 * expired or other-purpose token changes nothing (400). Following a link twice is harmless.
 */
export function unsubscribeRoute(db: Kysely<CommunityDatabase>, links: LinkTokens, logger: Logger): Route {
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.writeHead(405, { allow: 'GET, POST' });
      res.end();
      return;
    }
    const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
    if (!token) return page(res, 400, 'This link is incomplete: it has no token.');
    const claims = await links.verify(token, 'unsubscribe');
    if (!claims || !isNotificationKind(claims.kind)) return page(res, 400, 'This link is not valid or has expired. Change your e-mail settings in the app instead.');
    await unsubscribeFromEmails(db, claims.userId, claims.kind);
    logger.info('e-mails turned off by an unsubscribe link', { userId: claims.userId, kind: claims.kind });
    return page(res, 200, `You will no longer receive e-mails about ${NOTIFICATION_KINDS[claims.kind].label}.`);
  };
}
