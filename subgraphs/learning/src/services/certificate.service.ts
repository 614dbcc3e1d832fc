import { badUserInput, isSelfOrRole, notFound, parseId, requireRole } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import { randomBytes } from 'node:crypto';
import type { LearningContext } from '../context.js';
import type { Certificate, Enrollment, LearningDatabase, UserReference } from '../db/database.js';
import { publishCertificateIssued, publishCourseCompleted } from '../events/published.js';
import type { CertificateStatus } from '../generated/graphql.js';
import {
  completeFinishedEnrollments,
  findCertificateByCode,
  findCertificatesOfUser,
  insertCertificate,
  revokeCertificateRow,
} from '../repositories/certificate.repository.js';

/** Longest revocation reason kept. */
export const MAX_REVOKE_REASON = 500;

/** A fresh verification code: 160 random bits, base64url (27 characters). */
export const newVerificationCode = (): string => randomBytes(20).toString('base64url');

/**
 * In the transaction that changed the enrollments' progress (their rows locked): completes those
 * whose every lesson is complete, counts them on their course, issues each one certificate and
 * publishes CourseCompleted and CertificateIssued. A replay completes nothing (already COMPLETED);
 * the unique key on the enrollment keeps it to one certificate whatever happens.
 */
export async function completeEnrollments(trx: Kysely<LearningDatabase>, enrollmentIds: readonly string[]): Promise<Enrollment[]> {
  const completed = await completeFinishedEnrollments(trx, enrollmentIds);
  for (const enrollment of completed) {
    await publishCourseCompleted(trx, enrollment);
    const certificate = await insertCertificate(trx, {
      enrollment,
      year: (enrollment.completed_at ?? new Date()).getUTCFullYear(),
      verificationCode: newVerificationCode(),
    });
    if (certificate) await publishCertificateIssued(trx, certificate);
  }
  return completed;
}

/** A certificate's status now: REVOKED beats EXPIRED. */
export function certificateStatus(certificate: Certificate, now = new Date()): CertificateStatus {
  if (certificate.revoked_at) return 'REVOKED';
  if (certificate.expires_at && certificate.expires_at.getTime() <= now.getTime()) return 'EXPIRED';
  return 'ACTIVE';
}

/** Public: the certificate with this code, or null; no token needed. */
export async function verifyCertificate(ctx: LearningContext, code: string): Promise<Certificate | null> {
  const trimmed = code.trim();
  if (trimmed.length === 0 || trimmed.length > 100) return null;
  return (await findCertificateByCode(ctx.db, trimmed)) ?? null;
}

/** A user's certificates, for the user and ADMIN; anybody else gets none. */
export async function certificatesOfUser(ctx: LearningContext, user: UserReference): Promise<Certificate[]> {
  if (!isSelfOrRole(ctx, user.id, 'ADMIN')) return [];
  return findCertificatesOfUser(ctx.db, user.id);
}

/** ADMIN withdraws a certificate; revoking a revoked one changes nothing. */
export async function revokeCertificate(ctx: LearningContext, args: { id: string; reason?: string | null }): Promise<Certificate> {
  requireRole(ctx, 'ADMIN');
  const id = parseId(args.id, 'id');
  const reason = args.reason?.trim() || null;
  if (reason && reason.length > MAX_REVOKE_REASON) throw badUserInput(`reason is at most ${MAX_REVOKE_REASON} characters (got ${reason.length}).`, 'reason');
  const certificate = await revokeCertificateRow(ctx.db, id, reason);
  if (!certificate) throw notFound(`No certificate ${id}.`);
  return certificate;
}
