import { sql, type Kysely } from 'kysely';
import type { Certificate, Enrollment, LearningDatabase } from '../db/database.js';

/** What issuing a certificate needs besides the enrollment. */
export interface NewCertificate {
  enrollment: Enrollment;
  /** The number's year, e.g. 2026. */
  year: number;
  verificationCode: string;
}

/**
 * Marks the given enrollments COMPLETED where every lesson of their course is complete (progress
 * 100) and they are not completed yet; adds each to its course's completed_count. Returns the
 * enrollments that completed now (none for a replay: they are COMPLETED already).
 */
export async function completeFinishedEnrollments(db: Kysely<LearningDatabase>, enrollmentIds: readonly string[]): Promise<Enrollment[]> {
  const { rows } = await sql<Enrollment>`
    WITH done AS (
      UPDATE learning.enrollments SET status = 'COMPLETED', completed_at = now()
      WHERE id = ANY(${enrollmentIds}::uuid[]) AND status = 'ACTIVE' AND progress_percent = 100
      RETURNING *
    ), counted AS (
      UPDATE learning.courses c SET completed_count = c.completed_count + n.count
      FROM (SELECT course_id, count(*)::integer AS count FROM done GROUP BY course_id) n
      WHERE c.id = n.course_id
    )
    SELECT * FROM done`.execute(db);
  return rows;
}

/**
 * Issues the enrollment's certificate unless it has one, valid for its course's
 * certificate_validity_months (null = never expires); returns it, or null when it existed.
 */
export async function insertCertificate(db: Kysely<LearningDatabase>, c: NewCertificate): Promise<Certificate | null> {
  const { rows } = await sql<Certificate>`
    INSERT INTO learning.certificates (enrollment_id, user_id, course_id, number, verification_code, issued_at, expires_at)
    SELECT ${c.enrollment.id}, ${c.enrollment.user_id}, ${c.enrollment.course_id},
      'ACD-' || ${String(c.year)} || '-' || lpad(nextval('learning.certificate_number_seq')::text, 6, '0'),
      ${c.verificationCode}, now(), now() + make_interval(months => c.certificate_validity_months)
    FROM learning.courses c WHERE c.id = ${c.enrollment.course_id}
    ON CONFLICT (enrollment_id) DO NOTHING
    RETURNING *`.execute(db);
  return rows[0] ?? null;
}

/** The certificate with this verification code, if any. */
export function findCertificateByCode(db: Kysely<LearningDatabase>, code: string): Promise<Certificate | undefined> {
  return db.selectFrom('learning.certificates').selectAll().where('verification_code', '=', code).executeTakeFirst();
}

/** A user's certificates, newest first. */
export function findCertificatesOfUser(db: Kysely<LearningDatabase>, userId: string): Promise<Certificate[]> {
  return db.selectFrom('learning.certificates').selectAll().where('user_id', '=', userId).orderBy('issued_at', 'desc').orderBy('number', 'desc').execute();
}

/** Revokes a certificate unless it is revoked already; returns it as stored, or undefined when unknown. */
export async function revokeCertificateRow(db: Kysely<LearningDatabase>, id: string, reason: string | null): Promise<Certificate | undefined> {
  const updated = await db
    .updateTable('learning.certificates')
    .set({ revoked_at: sql<Date>`now()`, revoked_reason: reason })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  return updated ?? db.selectFrom('learning.certificates').selectAll().where('id', '=', id).executeTakeFirst();
}
