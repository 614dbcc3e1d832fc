// Signing up, signing in, refreshing and ending sessions.
import { badUserInput, conflict, DomainError, ErrorCode, unauthenticated, type Role } from '@academy/service-kit';
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { IdentityContext } from '../context.js';
import type { IdentityDatabase, User } from '../db/database.js';
import type { MutationLogInArgs, SignUpInput } from '../generated/graphql.js';
import { publishUserRegistered } from '../events/published.js';
import { appendAuditEntry } from '../repositories/audit-log.repository.js';
import { isInviteCodeUsable, useInviteCode } from '../repositories/invite-code.repository.js';
import { findLoginLockout, finishLoginAttempt, insertLoginAttempt, lockLoginKeys } from '../repositories/login-attempt.repository.js';
import {
  insertRefreshToken,
  lockRefreshToken,
  markRefreshTokenUsed,
  revokeRefreshTokenFamily,
} from '../repositories/refresh-token.repository.js';
import { addUserRoles, findCredentialsByEmail, insertUserUnlessEmailTaken } from '../repositories/user.repository.js';
import { signAccessToken } from '../security/access-tokens.js';
import { hashPassword, verifyPassword } from '../security/password-hashing.js';
import { assertAcceptablePassword } from '../security/password-policy.js';
import { hashSecret, newSecretToken } from '../security/secret-token.js';
import { displayNameOf, MAX_EMAIL_LENGTH, normalizeEmail, parseEmail, parseName } from '../validation.js';
import { reloadUser } from './user-loading.js';

/** What signUp, logIn and refreshSession return (the AuthPayload type). */
export interface AuthPayload {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: Date;
  user: User;
}

/** Every new account holds this role. */
export const DEFAULT_ROLE: Role = 'LEARNER';

/** One message for a wrong password and an unknown address, so neither tells the other apart. */
export const WRONG_CREDENTIALS_MESSAGE = 'The e-mail address or password is not correct.';
const INVALID_REFRESH_TOKEN_MESSAGE = 'The refresh token is not valid: sign in again.';
const INVALID_INVITE_MESSAGE = 'The invite code is not valid.';
/** Longer than any secret this service issues; longer input is refused without a lookup. */
const MAX_SECRET_LENGTH = 200;
const MAX_LOGIN_PASSWORD_LENGTH = 1024;

/** Starts a session: a refresh token in a new family (or `familyId`'s), stored by hash. */
async function issueRefreshToken(trx: Transaction<IdentityDatabase>, ctx: IdentityContext, userId: string, familyId: string = randomUUID()) {
  const refreshToken = newSecretToken();
  const id = await insertRefreshToken(trx, {
    userId,
    familyId,
    tokenHash: hashSecret(refreshToken),
    ttlDays: ctx.services.settings.REFRESH_TOKEN_TTL_DAYS,
  });
  return { id, refreshToken };
}

/** The payload for a session just started or refreshed, with an access token for the user's current roles. */
async function authPayload(ctx: IdentityContext, userId: string, refreshToken: string): Promise<AuthPayload> {
  const user = await reloadUser(ctx, userId);
  ctx.signedInUserIds.add(user.id);
  const { settings, keys } = ctx.services;
  const access = await signAccessToken(await keys.current(), { userId: user.id, roles: user.roles }, {
    issuer: settings.JWT_ISSUER,
    audience: settings.JWT_AUDIENCE,
    ttlSeconds: settings.ACCESS_TOKEN_TTL_SECONDS,
  });
  return { accessToken: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken, user };
}

/**
 * Creates an account with LEARNER (and the invite code's role) and signs it in. The address
 * must be free (CONFLICT otherwise: sign-up cannot help revealing that it is taken).
 */
export async function signUp(ctx: IdentityContext, input: SignUpInput): Promise<AuthPayload> {
  const email = parseEmail(input.email);
  const firstName = parseName(input.firstName, 'firstName');
  const lastName = parseName(input.lastName, 'lastName');
  assertAcceptablePassword(input.password, email);
  const inviteCode = input.inviteCode?.trim() || null;
  if (inviteCode !== null && inviteCode.length > MAX_SECRET_LENGTH) throw badUserInput(INVALID_INVITE_MESSAGE, 'inviteCode');
  // Hashing takes a core for a moment: a wrong invite code is refused before it is spent. The
  // use is counted in the transaction, so that concurrent sign-ups cannot overrun the code.
  if (inviteCode !== null && !(await isInviteCodeUsable(ctx.db, hashSecret(inviteCode)))) throw badUserInput(INVALID_INVITE_MESSAGE, 'inviteCode');
  // Outside the transaction, so no lock waits on it.
  const passwordHash = await hashPassword(input.password);

  const { userId, refreshToken } = await ctx.db.transaction().execute(async (trx) => {
    const invite = inviteCode === null ? undefined : await useInviteCode(trx, hashSecret(inviteCode));
    if (inviteCode !== null && !invite) throw badUserInput(INVALID_INVITE_MESSAGE, 'inviteCode');
    const user = await insertUserUnlessEmailTaken(trx, {
      email,
      password_hash: passwordHash,
      first_name: firstName,
      last_name: lastName,
      display_name: displayNameOf(firstName, lastName),
    });
    if (!user) throw conflict('An account with this e-mail address exists already.');
    const { id } = user;
    const roles = [...new Set<Role>([DEFAULT_ROLE, ...(invite ? [invite.role] : [])])];
    await addUserRoles(trx, id, roles, null);
    await publishUserRegistered(trx, { id, roles, createdAt: user.created_at });
    await appendAuditEntry(trx, {
      action: 'user.signed_up',
      actorUserId: id,
      subjectUserId: id,
      clientAddress: ctx.caller.clientAddress,
      details: { email, roles, ...(invite ? { inviteCodeId: invite.id } : {}) },
    });
    const session = await issueRefreshToken(trx, ctx, id);
    return { userId: id, refreshToken: session.refreshToken };
  });
  return authPayload(ctx, userId, refreshToken);
}

function rateLimited(lockedUntil: Date): DomainError {
  const retryAfterSeconds = Math.max(1, Math.ceil((lockedUntil.getTime() - Date.now()) / 1000));
  return new DomainError(ErrorCode.RATE_LIMITED, 'Too many failed sign-in attempts: try again later.', { retryAfterSeconds });
}

/**
 * Signs in with an e-mail address and password. Failures are throttled per address and per
 * client, before anything depends on whether the account exists; a wrong password and an
 * unknown address fail alike, in message and in time.
 */
export async function logIn(ctx: IdentityContext, args: MutationLogInArgs): Promise<AuthPayload> {
  const email = normalizeEmail(args.email);
  if (email.length > MAX_EMAIL_LENGTH) throw badUserInput(`"email" must be at most ${MAX_EMAIL_LENGTH} characters long.`, 'email');
  // Far above any password sign-up accepts; only bounds the work of hashing what is sent.
  if (args.password.length > MAX_LOGIN_PASSWORD_LENGTH) throw badUserInput('The password is too long.', 'password');
  const clientAddress = ctx.caller.clientAddress;
  const { settings } = ctx.services;
  const window = settings.LOGIN_FAILURE_WINDOW_SECONDS;
  const typed = args.email.slice(0, MAX_EMAIL_LENGTH);

  const gate = await ctx.db.transaction().execute(async (trx) => {
    await lockLoginKeys(trx, email, clientAddress);
    const accountLock = await findLoginLockout(trx, { email }, { maxFailures: settings.LOGIN_MAX_FAILURES_PER_ACCOUNT, windowSeconds: window });
    const addressLock =
      clientAddress === null
        ? null
        : await findLoginLockout(trx, { clientAddress }, { maxFailures: settings.LOGIN_MAX_FAILURES_PER_ADDRESS, windowSeconds: window });
    const lockedUntil = accountLock && addressLock ? (accountLock > addressLock ? accountLock : addressLock) : (accountLock ?? addressLock);
    if (lockedUntil) {
      await appendAuditEntry(trx, {
        action: 'login.throttled',
        clientAddress,
        details: { email: typed, lockedUntil: lockedUntil.toISOString(), account: accountLock !== null, address: addressLock !== null },
      });
      return { refused: true, lockedUntil } as const;
    }
    return { refused: false, attemptId: await insertLoginAttempt(trx, { email, clientAddress }) } as const;
  });
  if (gate.refused) throw rateLimited(gate.lockedUntil);

  const account = await findCredentialsByEmail(ctx.db, email);
  const valid = await verifyPassword(account?.password_hash ?? null, args.password);
  if (!account || !valid) {
    await ctx.db.transaction().execute(async (trx) => {
      await finishLoginAttempt(trx, gate.attemptId, false);
      await appendAuditEntry(trx, { action: 'login.failed', subjectUserId: account?.id ?? null, clientAddress, details: { email: typed } });
    });
    throw unauthenticated(WRONG_CREDENTIALS_MESSAGE);
  }
  const { refreshToken } = await ctx.db.transaction().execute(async (trx) => {
    await finishLoginAttempt(trx, gate.attemptId, true);
    await appendAuditEntry(trx, { action: 'login.succeeded', actorUserId: account.id, subjectUserId: account.id, clientAddress, details: { email: typed } });
    return issueRefreshToken(trx, ctx, account.id);
  });
  return authPayload(ctx, account.id, refreshToken);
}

/**
 * Trades a refresh token for a new one (same family) and a new access token. A token already
 * traded in is a sign it was stolen: its whole family is revoked, so neither the thief nor
 * the owner can go on with it.
 */
export async function refreshSession(ctx: IdentityContext, refreshToken: string): Promise<AuthPayload> {
  if (refreshToken.length === 0 || refreshToken.length > MAX_SECRET_LENGTH) throw unauthenticated(INVALID_REFRESH_TOKEN_MESSAGE);
  // The revocation after a reuse must commit, so the outcome is returned and thrown after.
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const token = await lockRefreshToken(trx, hashSecret(refreshToken));
    if (!token || token.revoked_at !== null) return { ok: false } as const;
    if (token.used_at !== null) {
      const revoked = await revokeRefreshTokenFamily(trx, token.family_id);
      await appendAuditEntry(trx, {
        action: 'refresh_token.reuse_detected',
        subjectUserId: token.user_id,
        clientAddress: ctx.caller.clientAddress,
        details: { familyId: token.family_id, tokenId: token.id, revokedTokens: revoked },
      });
      return { ok: false } as const;
    }
    if (token.expired) return { ok: false } as const;
    const next = await issueRefreshToken(trx, ctx, token.user_id, token.family_id);
    await markRefreshTokenUsed(trx, token.id, next.id);
    return { ok: true, userId: token.user_id, refreshToken: next.refreshToken } as const;
  });
  if (!outcome.ok) throw unauthenticated(INVALID_REFRESH_TOKEN_MESSAGE);
  return authPayload(ctx, outcome.userId, outcome.refreshToken);
}

/** Ends the session a refresh token belongs to (its whole family). True whether or not the token was known. */
export async function logOut(ctx: IdentityContext, refreshToken: string): Promise<boolean> {
  if (refreshToken.length === 0 || refreshToken.length > MAX_SECRET_LENGTH) return true;
  await ctx.db.transaction().execute(async (trx) => {
    const token = await lockRefreshToken(trx, hashSecret(refreshToken));
    if (!token) return;
    const revoked = await revokeRefreshTokenFamily(trx, token.family_id);
    await appendAuditEntry(trx, {
      action: 'session.logged_out',
      actorUserId: ctx.viewer?.userId ?? token.user_id,
      subjectUserId: token.user_id,
      clientAddress: ctx.caller.clientAddress,
      details: { familyId: token.family_id, revokedTokens: revoked },
    });
  });
  return true;
}
