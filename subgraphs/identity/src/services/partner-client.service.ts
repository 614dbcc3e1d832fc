import { badUserInput, conflict, intInRange, isUuid, notFound, parseId, requireRole, text } from '@academy/service-kit';
import { timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { IdentityContext, IdentityServices } from '../context.js';
import type { IdentityDatabase } from '../db/database.js';
import type { ChatRoomKind, MutationCreatePartnerClientArgs, PartnerClient, PartnerClientCredentials } from '../generated/graphql.js';
import { appendAuditEntry } from '../repositories/audit-log.repository.js';
import {
  findPartnerClient,
  insertPartnerClient,
  listPartnerClients,
  markPartnerClientRevoked,
  replacePartnerClientSecret,
  type PartnerClientRow,
} from '../repositories/partner-client.repository.js';
import { signAccessToken, type AccessToken } from '../security/access-tokens.js';
import { hashSecret, newSecretToken } from '../security/secret-token.js';

/** Most rooms one client is granted by id. */
export const MAX_GRANTED_ROOM_IDS = 100;
const DEFAULT_MAX_SUBSCRIPTIONS = 10;

// Client secrets are 256 random bits made here (never chosen by a person), so the SHA-256 of
// one cannot be reversed by guessing: a slow password hash (argon2) would add nothing but
// tens of milliseconds of CPU to every token request, which is what makes the endpoint an
// attractive target. The stored hash is unique, so a secret names its client.

function toPartnerClient(row: PartnerClientRow): PartnerClient {
  return {
    id: row.id,
    name: row.name,
    grants: { roomIds: row.room_ids, roomKinds: row.room_kinds as ChatRoomKind[], maxSubscriptions: row.max_subscriptions },
    createdAt: row.created_at,
    secretRotatedAt: row.secret_rotated_at,
    revokedAt: row.revoked_at,
  };
}

/** ADMIN: every partner client, newest first. */
export async function partnerClients(ctx: IdentityContext): Promise<PartnerClient[]> {
  requireRole(ctx, 'ADMIN');
  return (await listPartnerClients(ctx.db)).map(toPartnerClient);
}

/** ADMIN: registers a partner client with its grants; its secret is returned this once. */
export async function createPartnerClient(ctx: IdentityContext, { input }: MutationCreatePartnerClientArgs): Promise<PartnerClientCredentials> {
  const admin = requireRole(ctx, 'ADMIN');
  const name = text(input.name, 'name', { min: 1, max: 100 });
  const roomIds = [...new Set((input.roomIds ?? []).map((id) => parseId(id, 'roomIds')))];
  if (roomIds.length > MAX_GRANTED_ROOM_IDS) throw badUserInput(`"roomIds" may list at most ${MAX_GRANTED_ROOM_IDS} rooms.`, 'roomIds');
  const roomKinds = [...new Set(input.roomKinds ?? [])];
  if (roomIds.length + roomKinds.length === 0) throw badUserInput('Grant at least one room, by "roomIds" or "roomKinds".', 'roomIds');
  const maxSubscriptions = intInRange(input.maxSubscriptions ?? DEFAULT_MAX_SUBSCRIPTIONS, 'maxSubscriptions', 1, 1000);
  const clientSecret = newSecretToken();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const stored = await insertPartnerClient(trx, { name, secretHash: hashSecret(clientSecret), roomIds, roomKinds, maxSubscriptions, createdBy: admin.userId });
    await appendAuditEntry(trx, {
      action: 'partner_client.created',
      actorUserId: admin.userId,
      clientAddress: ctx.caller.clientAddress,
      details: { clientId: stored.id, roomIds, roomKinds, maxSubscriptions },
    });
    return stored;
  });
  return { client: toPartnerClient(row), clientSecret };
}

/** ADMIN: a new secret for the client, returned once; the old one stops working. */
export async function rotatePartnerClientSecret(ctx: IdentityContext, args: { id: string }): Promise<PartnerClientCredentials> {
  const admin = requireRole(ctx, 'ADMIN');
  const id = parseId(args.id);
  const clientSecret = newSecretToken();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const updated = await replacePartnerClientSecret(trx, id, hashSecret(clientSecret));
    if (!updated) {
      throw (await findPartnerClient(trx, id)) ? conflict('This partner client is revoked.') : notFound('There is no partner client with this ID.');
    }
    await appendAuditEntry(trx, { action: 'partner_client.secret_rotated', actorUserId: admin.userId, clientAddress: ctx.caller.clientAddress, details: { clientId: id } });
    return updated;
  });
  return { client: toPartnerClient(row), clientSecret };
}

/** ADMIN: revokes the client; no token is issued to it any more. Revoking again changes nothing. */
export async function revokePartnerClient(ctx: IdentityContext, args: { id: string }): Promise<PartnerClient> {
  const admin = requireRole(ctx, 'ADMIN');
  const id = parseId(args.id);
  const row = await ctx.db.transaction().execute(async (trx) => {
    const revoked = await markPartnerClientRevoked(trx, id);
    if (!revoked) throw notFound('There is no partner client with this ID.');
    await appendAuditEntry(trx, { action: 'partner_client.revoked', actorUserId: admin.userId, clientAddress: ctx.caller.clientAddress, details: { clientId: id } });
    return revoked;
  });
  return toPartnerClient(row);
}

/**
 * The client-credentials grant (RFC 6749 §4.4): an access token with role PARTNER and the
 * client's grants, or null when the id is unknown, the secret wrong or the client revoked
 * (the caller answers all three alike, as invalid_client).
 */
export async function issuePartnerToken(
  db: Kysely<IdentityDatabase>,
  services: IdentityServices,
  credentials: { clientId: string; clientSecret: string },
): Promise<AccessToken | null> {
  const client = isUuid(credentials.clientId) ? await findPartnerClient(db, credentials.clientId.toLowerCase()) : undefined;
  const given = hashSecret(credentials.clientSecret);
  if (!client || client.revoked_at !== null || !timingSafeEqual(given, client.secret_hash)) return null;
  const { settings } = services;
  return signAccessToken(
    await services.keys.current(),
    {
      userId: client.id,
      roles: ['PARTNER'],
      grants: { roomIds: client.room_ids, roomKinds: client.room_kinds, maxSubscriptions: client.max_subscriptions },
    },
    { issuer: settings.JWT_ISSUER, audience: settings.JWT_AUDIENCE, ttlSeconds: settings.PARTNER_TOKEN_TTL_SECONDS },
  );
}
