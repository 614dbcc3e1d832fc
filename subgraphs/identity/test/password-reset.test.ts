import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { codes, eventually, logIn, PASSWORD, readMail, refresh, signUp, startIdentity, uniqueEmail, type TestIdentity } from './support/identity.js';

let identity: TestIdentity;
beforeAll(async () => {
  identity = await startIdentity({ APP_URL: 'https://academy.example/' });
});
afterAll(async () => {
  await identity?.stop();
});

const NEW_PASSWORD = 'Harbour-Violet-3310-Kite';

const requestReset = (email: string) =>
  identity.subgraph.request<{ requestPasswordReset: boolean }>('mutation($e: String!) { requestPasswordReset(email: $e) }', { e: email });
const resetPassword = (token: string, newPassword: string) =>
  identity.subgraph.request<{ resetPassword: boolean }>('mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }', {
    t: token,
    p: newPassword,
  });

/** Waits until the worker delivered a message to `email`; the token of its reset link. */
async function resetTokenSentTo(email: string, skip = 0): Promise<string> {
  const mail = await eventually(async () => (await readMail(identity.mailDir)).filter((m) => m.to === email)[skip], `the reset e-mail to ${email}`);
  expect(mail.subject).toBe('Reset your Academy password');
  const link = /https:\/\/academy\.example\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(mail.text);
  expect(link).not.toBeNull();
  return decodeURIComponent(link![1]!);
}

describe('password reset', () => {
  it('mails a single-use link that sets a new password and ends every session', async () => {
    const email = uniqueEmail('forgetful');
    const session = await signUp(identity, { email });
    const response = await requestReset(` ${email.toUpperCase()} `);
    expect(response.body.data!.requestPasswordReset).toBe(true);
    const token = await resetTokenSentTo(email);

    const [outbox] = await identity.sql<{ status: string; attempts: number; sent: boolean; to_address: string }>(
      `SELECT status, attempts, sent_at IS NOT NULL AS sent, to_address FROM identity.email_outbox WHERE to_address = $1`,
      [email],
    );
    expect(outbox).toEqual({ status: 'sent', attempts: 1, sent: true, to_address: email });
    const [stored] = await identity.sql<{ matches: boolean; minutes: number }>(
      `SELECT token_hash = sha256(convert_to($1, 'UTF8')) AS matches, round(extract(epoch FROM expires_at - created_at) / 60)::int AS minutes
       FROM identity.password_resets WHERE user_id = $2`,
      [token, session.user.id],
    );
    expect(stored).toEqual({ matches: true, minutes: 30 });

    // The password rules apply to the new password too.
    expect(codes((await resetPassword(token, 'too-short')).body)).toEqual(['BAD_USER_INPUT']);
    expect(codes((await resetPassword(token, email)).body)).toEqual(['BAD_USER_INPUT']);
    expect((await resetPassword(token, NEW_PASSWORD)).body.data!.resetPassword).toBe(true);
    const again = await resetPassword(token, 'Another-Password-9981');
    expect(codes(again.body)).toEqual(['BAD_USER_INPUT']);

    expect(codes((await refresh(identity, session.refreshToken)).body)).toEqual(['UNAUTHENTICATED']);
    expect(codes((await logIn(identity, email, PASSWORD)).body)).toEqual(['UNAUTHENTICATED']);
    expect((await logIn(identity, email, NEW_PASSWORD)).body.errors).toBeUndefined();

    const audit = await identity.sql<{ action: string; details: Record<string, unknown> }>(
      `SELECT action, details FROM identity.audit_log WHERE subject_user_id = $1 AND action LIKE 'password_reset.%' ORDER BY id`,
      [session.user.id],
    );
    expect(audit).toEqual([
      { action: 'password_reset.requested', details: { email: ` ${email.toUpperCase()} `, emailQueued: true } },
      { action: 'password_reset.completed', details: { resetId: expect.any(String), revokedTokens: 1 } },
    ]);
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it('refuses an expired link with the same error as an unknown one', async () => {
    const email = uniqueEmail('slow');
    const session = await signUp(identity, { email });
    await requestReset(email);
    const token = await resetTokenSentTo(email);
    await identity.sql(`UPDATE identity.password_resets SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [session.user.id]);
    const expired = await resetPassword(token, NEW_PASSWORD);
    const unknown = await resetPassword('no-such-token', NEW_PASSWORD);
    expect(codes(expired.body)).toEqual(['BAD_USER_INPUT']);
    expect(expired.body.errors![0]!.message).toBe(unknown.body.errors![0]!.message);
    expect(codes(unknown.body)).toEqual(['BAD_USER_INPUT']);
    expect((await logIn(identity, email, PASSWORD)).body.errors).toBeUndefined();
  });

  it('answers true for an unknown address and queues nothing', async () => {
    const email = uniqueEmail('stranger');
    const response = await requestReset(email);
    expect(response.body.data!.requestPasswordReset).toBe(true);
    expect(await identity.sql('SELECT 1 FROM identity.email_outbox WHERE to_address = $1', [email])).toHaveLength(0);
    const [audit] = await identity.sql<{ subject_user_id: string | null; details: unknown }>(
      `SELECT subject_user_id, details FROM identity.audit_log WHERE action = 'password_reset.requested' AND details->>'email' = $1`,
      [email],
    );
    expect(audit).toEqual({ subject_user_id: null, details: { email, emailQueued: false } });
  });

  it('lets an older link die once another one set the password', async () => {
    const email = uniqueEmail('twice');
    await signUp(identity, { email });
    await requestReset(email);
    const first = await resetTokenSentTo(email, 0);
    await requestReset(email);
    const second = await resetTokenSentTo(email, 1);
    expect(second).not.toBe(first);
    expect((await resetPassword(second, NEW_PASSWORD)).body.data!.resetPassword).toBe(true);
    expect(codes((await resetPassword(first, 'Another-Password-9981')).body)).toEqual(['BAD_USER_INPUT']);
  });
});
