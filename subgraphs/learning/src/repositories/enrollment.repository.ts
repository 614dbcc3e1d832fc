import { keysetPage } from '@academy/service-kit';
import { sql, type Kysely } from 'kysely';
import type { Enrollment, EnrollmentStatus, LearningDatabase } from '../db/database.js';

/** One user's enrollments in the given courses. */
export async function findEnrollmentsOfUser(
  db: Kysely<LearningDatabase>,
  userId: string,
  courseIds: readonly string[],
): Promise<Enrollment[]> {
  return db
    .selectFrom('learning.enrollments')
    .selectAll()
    .where('user_id', '=', userId)
    .where('course_id', '=', sql<string>`ANY(${courseIds}::uuid[])`)
    .execute();
}

/** Enrollments by id. */
export async function findEnrollmentsByIds(db: Kysely<LearningDatabase>, ids: readonly string[]): Promise<Enrollment[]> {
  return db.selectFrom('learning.enrollments').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}

/** How access to a course was granted: enrolling in a free course, or a paid order. */
export type EnrollmentGrant = { source: 'FREE'; orderId: null } | { source: 'ORDER'; orderId: string };

/** What granting access did: a new enrollment, a cancelled one re-activated, or nothing (it was live). */
export type GrantOutcome = 'CREATED' | 'REACTIVATED' | 'UNCHANGED';

/**
 * Gives the user access to the course, in one statement safe under any concurrency (the unique
 * (user_id, course_id) key): inserts the enrollment and counts it on the course, or re-activates
 * a CANCELLED one (back to COMPLETED, and counted so again, if it was completed before, else
 * ACTIVE), or leaves a live one alone. The course's enrollment_count stays the number of its
 * enrollments, completed_count the number of COMPLETED ones. An order never re-activates the access its own refund ended. Returns the
 * enrollment as it stands and what changed; undefined when the course does not exist.
 */
export async function grantEnrollment(
  db: Kysely<LearningDatabase>,
  userId: string,
  courseId: string,
  grant: EnrollmentGrant,
): Promise<{ enrollment: Enrollment; outcome: GrantOutcome } | undefined> {
  const { rows } = await sql<Enrollment & { inserted: boolean }>`
    WITH granted AS (
      INSERT INTO learning.enrollments AS e (user_id, course_id, source, order_id)
      SELECT ${userId}::uuid, c.id, ${grant.source}, ${grant.orderId}::uuid FROM learning.courses c WHERE c.id = ${courseId}::uuid
      ON CONFLICT (user_id, course_id) DO UPDATE SET
        status = CASE WHEN e.completed_at IS NULL THEN 'ACTIVE' ELSE 'COMPLETED' END,
        source = excluded.source, order_id = excluded.order_id, cancelled_at = NULL
      WHERE e.status = 'CANCELLED' AND (excluded.source = 'FREE' OR e.order_id IS DISTINCT FROM excluded.order_id)
      RETURNING e.*, (e.xmax = 0) AS inserted
    ), counted AS (
      UPDATE learning.courses c SET
        enrollment_count = c.enrollment_count + g.inserted::integer,
        completed_count = c.completed_count + (NOT g.inserted AND g.status = 'COMPLETED')::integer
      FROM granted g WHERE c.id = g.course_id AND (g.inserted OR g.status = 'COMPLETED')
    )
    SELECT * FROM granted`.execute(db);
  const changed = rows[0];
  if (changed) {
    const { inserted, ...enrollment } = changed;
    return { enrollment, outcome: inserted ? 'CREATED' : 'REACTIVATED' };
  }
  // A live enrollment (or one this order's refund ended): committed by now, as ON CONFLICT waited for it.
  const [existing] = await findEnrollmentsOfUser(db, userId, [courseId]);
  return existing ? { enrollment: existing, outcome: 'UNCHANGED' } : undefined;
}

/**
 * Ends the access the order granted to these courses (status CANCELLED; progress, completed_at
 * and any certificate stay; a COMPLETED one leaves its course's completed_count). Returns the enrollments it ended now (none on a replay).
 */
export async function cancelOrderEnrollments(
  db: Kysely<LearningDatabase>,
  order: { userId: string; orderId: string; courseIds: readonly string[]; at: Date },
): Promise<Enrollment[]> {
  const { rows } = await sql<Enrollment & { previous_status: string }>`
    WITH target AS (
      SELECT id, status FROM learning.enrollments
      WHERE user_id = ${order.userId}::uuid AND order_id = ${order.orderId}::uuid
        AND course_id = ANY(${order.courseIds}::uuid[]) AND status <> 'CANCELLED'
      ORDER BY id
      FOR UPDATE
    ), ended AS (
      UPDATE learning.enrollments e SET status = 'CANCELLED', cancelled_at = ${order.at}
      FROM target t WHERE e.id = t.id
      RETURNING e.*, t.status AS previous_status
    ), counted AS (
      UPDATE learning.courses c SET completed_count = c.completed_count - n.count
      FROM (SELECT course_id, count(*)::integer AS count FROM ended WHERE previous_status = 'COMPLETED' GROUP BY course_id) n
      WHERE c.id = n.course_id
    )
    SELECT * FROM ended`.execute(db);
  return rows.map(({ previous_status: _p, ...enrollment }) => enrollment);
}

/** Position of an enrollment in a user's list: enrolled_at as PostgreSQL prints it, and its id. */
export type EnrollmentCursor = [string, string];

/**
 * One page of a user's enrollments, newest first (ties by id), with the exact total and whether
 * earlier rows exist, in one statement.
 */
export async function findEnrollmentPage(
  db: Kysely<LearningDatabase>,
  query: { userId: string; status: EnrollmentStatus | null; limit: number; after: EnrollmentCursor | null },
) {
  const conditions = [sql`e.user_id = ${query.userId}::uuid`];
  if (query.status) conditions.push(sql`e.status = ${query.status}`);
  return keysetPage<Enrollment & { cursor_key: string }>(db, {
    filtered: sql`
      SELECT e.*, e.enrolled_at::text AS cursor_key FROM learning.enrollments e
      WHERE ${sql.join(conditions, sql` AND `)}`,
    sortColumn: 'enrolled_at',
    descending: true,
    after: query.after ? sql`(${query.after[0]}::timestamptz, ${query.after[1]}::uuid)` : null,
    limit: query.limit,
  });
}

/** The first page of one user's enrollments, with the user's exact total. */
export interface FirstEnrollmentPage {
  userId: string;
  totalCount: number;
  /** Up to limit + 1 rows, newest first. */
  rows: (Enrollment & { cursor_key: string })[];
}

/**
 * The first page (newest first) of each user's enrollments, optionally of one status, with each
 * user's exact total, in one statement for any number of users.
 */
export async function findFirstEnrollmentPageOfUsers(
  db: Kysely<LearningDatabase>,
  userIds: readonly string[],
  status: EnrollmentStatus | null,
  limit: number,
): Promise<FirstEnrollmentPage[]> {
  const ofStatus = status ? sql`AND e.status = ${status}` : sql``;
  const result = await sql<Enrollment & { key_user_id: string; total_count: number; cursor_key: string }>`
    SELECT k.id AS key_user_id,
      (SELECT count(*) FROM learning.enrollments e WHERE e.user_id = k.id ${ofStatus})::int AS total_count,
      page.*
    FROM unnest(${userIds}::uuid[]) AS k(id)
    LEFT JOIN LATERAL (
      SELECT e.*, e.enrolled_at::text AS cursor_key FROM learning.enrollments e
      WHERE e.user_id = k.id ${ofStatus}
      ORDER BY e.enrolled_at DESC, e.id DESC
      LIMIT ${limit + 1}
    ) page ON true
    ORDER BY k.id, page.enrolled_at DESC, page.id DESC`.execute(db);
  const byUser = new Map<string, FirstEnrollmentPage>();
  for (const { key_user_id, total_count, ...row } of result.rows) {
    let entry = byUser.get(key_user_id);
    if (!entry) byUser.set(key_user_id, (entry = { userId: key_user_id, totalCount: total_count, rows: [] }));
    if (row.id !== null) entry.rows.push(row);
  }
  return [...byUser.values()];
}
