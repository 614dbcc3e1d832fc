// Forgotten passwords: a single-use link by e-mail, valid for 30 minutes.
import { badUserInput } from '@academy/service-kit';
import type { IdentityContext } from '../context.js';
import type { MutationRequestPasswordResetArgs, MutationResetPasswordArgs } from '../generated/graphql.js';
import { appendAuditEntry } from '../repositories/audit-log.repository.js';
import { enqueueEmail } from '../repositories/email-outbox.repository.js';
import {
  countRecentPasswordResets,
  findPasswordReset,
  insertPasswordReset,
  markPasswordResetsUsed,
} from '../repositories/password-reset.repository.js';
import { revokeUserRefreshTokens } from '../repositories/refresh-token.repository.js';
import { findCredentialsByEmail, updateUser } from '../repositories/user.repository.js';
import { hashPassword } from '../security/password-hashing.js';
import { assertAcceptablePassword } from '../security/password-policy.js';
import { hashSecret, newSecretToken } from '../security/secret-token.js';
import { MAX_EMAIL_LENGTH, normalizeEmail } from '../validation.js';

/** How long a reset link works. */
export const PASSWORD_RESET_TTL_MINUTES = 30;
/** At most this many reset e-mails per account per hour, so the feature cannot flood an inbox. */
const MAX_RESETS_PER_HOUR = 5;
const INVALID_TOKEN_MESSAGE = 'This password reset link is not valid or has expired: ask for a new one.';

function resetEmail(appUrl: string, token: string) {
  const link = `${appUrl}/reset-password?token=${encodeURIComponent(token)}`;
  return {
    subject: 'Reset your Academy password',
    text: [
      'Someone (hopefully you) asked to reset the password of your Academy account.',
      '',
      `To choose a new password, open this link within ${PASSWORD_RESET_TTL_MINUTES} minutes:`,
      link,
      '',
      'If you did not ask for this, ignore this e-mail: your password stays as it is.',
    ].join('\n'),
  };
}

/**
 * Sends a reset link to the address if it belongs to an account. Always true, so the answer
 * tells nothing about which addresses have accounts.
 */
export async function requestPasswordReset(ctx: IdentityContext, args: MutationRequestPasswordResetArgs): Promise<boolean> {
  const email = normalizeEmail(args.email);
  if (email.length > MAX_EMAIL_LENGTH) return true;
  const typed = args.email.slice(0, MAX_EMAIL_LENGTH);
  const account = await findCredentialsByEmail(ctx.db, email);
  const queued = await ctx.db.transaction().execute(async (trx) => {
    let sent = false;
    if (account && (await countRecentPasswordResets(trx, account.id, 60)) < MAX_RESETS_PER_HOUR) {
      const token = newSecretToken();
      await insertPasswordReset(trx, { userId: account.id, tokenHash: hashSecret(token), ttlMinutes: PASSWORD_RESET_TTL_MINUTES });
      await enqueueEmail(trx, { to: account.email, ...resetEmail(ctx.services.settings.APP_URL, token) });
      sent = true;
    }
    await appendAuditEntry(trx, {
      action: 'password_reset.requested',
      actorUserId: ctx.viewer?.userId ?? null,
      subjectUserId: account?.id ?? null,
      clientAddress: ctx.caller.clientAddress,
      details: { email: typed, emailQueued: sent },
    });
    return sent;
  });
  if (queued) ctx.services.mail.wake();
  return true;
}

/**
 * Sets a new password with a reset token: once, within its 30 minutes. Every session of the
 * account ends (its refresh tokens are revoked), and no other reset link works any more.
 */
export async function resetPassword(ctx: IdentityContext, args: MutationResetPasswordArgs): Promise<boolean> {
  const invalid = () => badUserInput(INVALID_TOKEN_MESSAGE, 'token');
  if (args.token.length === 0 || args.token.length > 200) throw invalid();
  const tokenHash = hashSecret(args.token);
  const reset = await findPasswordReset(ctx.db, tokenHash);
  if (!reset?.usable) throw invalid();
  assertAcceptablePassword(args.newPassword, reset.email, 'newPassword');
  const passwordHash = await hashPassword(args.newPassword);
  await ctx.db.transaction().execute(async (trx) => {
    // Checked again under a lock: of two uses at once, the second finds it used.
    const locked = await findPasswordReset(trx, tokenHash, { lock: true });
    if (!locked?.usable) throw invalid();
    await updateUser(trx, locked.user_id, { password_hash: passwordHash });
    await markPasswordResetsUsed(trx, locked.user_id);
    const revoked = await revokeUserRefreshTokens(trx, locked.user_id);
    await appendAuditEntry(trx, {
      action: 'password_reset.completed',
      actorUserId: locked.user_id,
      subjectUserId: locked.user_id,
      clientAddress: ctx.caller.clientAddress,
      details: { resetId: locked.id, revokedTokens: revoked },
    });
  });
  return true;
}
