// Signed, single-purpose tokens for links in e-mails that work without signing in. A token
// names its user, the notification kind, its purpose and its expiry, and is signed with
// HMAC-SHA256 under a key kept in the database (community.link_keys): every community process
// signs and verifies alike, and links survive restarts.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CommunityDatabase } from '../db/database.js';
import { ensureLinkKey } from '../repositories/link-key.repository.js';

/** What a link token may be used for; a token of one purpose is refused for any other. */
export type LinkPurpose = 'unsubscribe';

/** What a link token says. */
export interface LinkClaims {
  userId: string;
  kind: string;
  purpose: LinkPurpose;
  expiresAt: Date;
}

const claimsShape = z.object({ u: z.uuid(), k: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/), p: z.literal('unsubscribe'), e: z.number().int().positive() });

/** Signs and verifies link tokens with the key stored for them. */
export class LinkTokens {
  readonly #db: Kysely<CommunityDatabase>;
  #key: Promise<Buffer> | null = null;

  constructor(db: Kysely<CommunityDatabase>) {
    this.#db = db;
  }

  #secret(): Promise<Buffer> {
    this.#key ??= ensureLinkKey(this.#db, 'links', randomBytes(32)).catch((error: unknown) => {
      // Not cached: the next use tries again (the database may have been away).
      this.#key = null;
      throw error;
    });
    return this.#key;
  }

  /** A token for `claims`: base64url JSON, a dot, base64url HMAC of the first part. */
  async sign(claims: LinkClaims): Promise<string> {
    const body = Buffer.from(
      JSON.stringify({ u: claims.userId, k: claims.kind, p: claims.purpose, e: Math.floor(claims.expiresAt.getTime() / 1000) }),
    ).toString('base64url');
    const mac = createHmac('sha256', await this.#secret()).update(body).digest('base64url');
    return `${body}.${mac}`;
  }

  /** The claims of a genuine, unexpired token of `purpose`; null for anything else. */
  async verify(token: string, purpose: LinkPurpose, now = new Date()): Promise<LinkClaims | null> {
    const match = /^([A-Za-z0-9_-]{1,512})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return null;
    const [, body, mac] = match as unknown as [string, string, string];
    const expected = createHmac('sha256', await this.#secret()).update(body).digest();
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let parsed;
    try {
      parsed = claimsShape.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    } catch {
      return null;
    }
    if (!parsed.success || parsed.data.p !== purpose) return null;
    const expiresAt = new Date(parsed.data.e * 1000);
    if (expiresAt <= now) return null;
    return { userId: parsed.data.u, kind: parsed.data.k, purpose: parsed.data.p, expiresAt };
  }
}
