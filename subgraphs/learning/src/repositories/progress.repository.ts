import { sql, type Kysely } from 'kysely';
import type { Enrollment, LearningDatabase, LessonProgress } from '../db/database.js';

/** One lesson's progress to store: the newest reading of a batch, with the earliest completion. */
export interface ProgressWrite {
  lessonId: string;
  progressPercent: number;
  recordedAt: Date;
  /** When the lesson was first completed, per this batch; null if it was not. */
  completedAt: Date | null;
}

/** A lesson the user may record progress in, with the enrollment that allows it. */
export interface EnrolledLesson {
  lesson_id: string;
  enrollment_id: string;
}

/** Stored progress with the course its lesson belongs to. */
export type CourseLessonProgress = LessonProgress & { course_id: string };

/**
 * Of `lessonIds`, those the user is enrolled for (ACTIVE or COMPLETED, through the lesson's
 * module's course), locking those enrollments: concurrent syncs of one course then recompute its
 * progress one after the other, each seeing the other's lessons.
 */
export async function lockEnrollmentsOfLessons(
  db: Kysely<LearningDatabase>,
  userId: string,
  lessonIds: readonly string[],
): Promise<EnrolledLesson[]> {
  const { rows } = await sql<EnrolledLesson>`
    SELECT l.id AS lesson_id, e.id AS enrollment_id
    FROM learning.lessons l
    JOIN learning.modules m ON m.id = l.module_id
    JOIN learning.enrollments e ON e.course_id = m.course_id AND e.user_id = ${userId} AND e.status IN ('ACTIVE', 'COMPLETED')
    WHERE l.id = ANY(${lessonIds}::uuid[])
    ORDER BY e.id
    FOR UPDATE OF e`.execute(db);
  return rows;
}

/**
 * Merges progress into the stored rows, one statement: the later recordedAt wins (ties: the
 * higher value), the earliest completion is kept and a completed lesson stays at 100. A write
 * that brings nothing new leaves its row (and updated_at) alone, so a replay changes nothing.
 * Returns the lessons whose rows changed.
 */
export async function mergeLessonProgress(db: Kysely<LearningDatabase>, userId: string, writes: readonly ProgressWrite[]): Promise<string[]> {
  // Sorted by lesson so that concurrent batches lock rows in one order.
  const sorted = [...writes].sort((a, b) => (a.lessonId < b.lessonId ? -1 : a.lessonId > b.lessonId ? 1 : 0));
  const newer = sql`(excluded.recorded_at > lp.recorded_at OR (excluded.recorded_at = lp.recorded_at AND excluded.progress_percent > lp.progress_percent))`;
  const { rows } = await sql<{ lesson_id: string }>`
    INSERT INTO learning.lesson_progress AS lp (user_id, lesson_id, progress_percent, completed_at, recorded_at)
    SELECT ${userId}::uuid, w.lesson_id, CASE WHEN w.completed_at IS NULL THEN w.progress_percent ELSE 100 END, w.completed_at, w.recorded_at
    FROM unnest(
      ${sorted.map((w) => w.lessonId)}::uuid[],
      ${sorted.map((w) => w.progressPercent)}::integer[],
      ${sorted.map((w) => w.completedAt?.toISOString() ?? null)}::timestamptz[],
      ${sorted.map((w) => w.recordedAt.toISOString())}::timestamptz[]
    ) AS w(lesson_id, progress_percent, completed_at, recorded_at)
    ON CONFLICT (user_id, lesson_id) DO UPDATE SET
      progress_percent = CASE
        WHEN lp.completed_at IS NOT NULL OR excluded.completed_at IS NOT NULL THEN 100
        WHEN ${newer} THEN excluded.progress_percent
        ELSE lp.progress_percent
      END,
      completed_at = LEAST(lp.completed_at, excluded.completed_at),
      recorded_at = GREATEST(lp.recorded_at, excluded.recorded_at),
      updated_at = now()
    WHERE ${newer} OR (excluded.completed_at IS NOT NULL AND (lp.completed_at IS NULL OR excluded.completed_at < lp.completed_at))
    RETURNING lp.lesson_id`.execute(db);
  return rows.map((r) => r.lesson_id);
}

/**
 * Sets the enrollments' progress_percent to the share of their course's lessons the learner
 * completed (rounded down: 100 only when all are). Returns the enrollments as updated.
 */
export async function recomputeEnrollmentProgress(db: Kysely<LearningDatabase>, enrollmentIds: readonly string[]): Promise<Enrollment[]> {
  const { rows } = await sql<Enrollment>`
    UPDATE learning.enrollments e SET progress_percent = coalesce((
      SELECT floor(100.0 * count(lp.completed_at) / nullif(count(*), 0))::integer
      FROM learning.lessons l
      JOIN learning.modules m ON m.id = l.module_id
      LEFT JOIN learning.lesson_progress lp ON lp.lesson_id = l.id AND lp.user_id = e.user_id
      WHERE m.course_id = e.course_id
    ), 0)
    WHERE e.id = ANY(${enrollmentIds}::uuid[])
    RETURNING e.*`.execute(db);
  return rows;
}

/** One user's stored progress in the given lessons. */
export async function findProgressOfUser(db: Kysely<LearningDatabase>, userId: string, lessonIds: readonly string[]): Promise<LessonProgress[]> {
  return db
    .selectFrom('learning.lesson_progress')
    .selectAll()
    .where('user_id', '=', userId)
    .where('lesson_id', '=', sql<string>`ANY(${lessonIds}::uuid[])`)
    .execute();
}

/** Stored progress of each (user, course) pair, in course order (module, then lesson position). */
export async function findProgressOfEnrollments(
  db: Kysely<LearningDatabase>,
  pairs: readonly { userId: string; courseId: string }[],
): Promise<CourseLessonProgress[]> {
  const { rows } = await sql<CourseLessonProgress>`
    SELECT lp.*, m.course_id
    FROM unnest(${pairs.map((p) => p.userId)}::uuid[], ${pairs.map((p) => p.courseId)}::uuid[]) AS k(user_id, course_id)
    JOIN learning.modules m ON m.course_id = k.course_id
    JOIN learning.lessons l ON l.module_id = m.id
    JOIN learning.lesson_progress lp ON lp.lesson_id = l.id AND lp.user_id = k.user_id
    ORDER BY m.position, l.position`.execute(db);
  return rows;
}
