import { DomainError, ErrorCode, badUserInput, intInRange, isSelfOrRole, parseId, requireViewer } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { LearningContext } from '../context.js';
import type { Enrollment, LearningDatabase, LessonModel, LessonProgress } from '../db/database.js';
import type { LessonProgressInput } from '../generated/graphql.js';
import { completeEnrollments } from './certificate.service.js';
import {
  findProgressOfUser,
  lockEnrollmentsOfLessons,
  mergeLessonProgress,
  recomputeEnrollmentProgress,
  type ProgressWrite,
} from '../repositories/progress.repository.js';

/** Most entries one sync may carry. */
export const MAX_PROGRESS_ENTRIES = 500;
/** How far ahead of the server's clock a device's recordedAt may be. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * Stores progress recorded on a device, possibly offline, and answers the server's state of
 * every lesson sent. Per lesson the latest recordedAt wins whatever order batches arrive in,
 * completion is never undone and a replayed batch changes nothing. A batch with a lesson the
 * viewer is not enrolled for is refused whole, naming those lessons.
 */
export async function syncLessonProgress(ctx: LearningContext, entries: readonly LessonProgressInput[]): Promise<LessonProgress[]> {
  const viewer = requireViewer(ctx);
  const writes = foldEntries(entries);
  const lessonIds = [...writes.keys()];
  return ctx.db.transaction().execute(async (trx) => {
    const enrolled = await lockEnrollmentsOfLessons(trx, viewer.userId, lessonIds);
    const allowed = new Set(enrolled.map((e) => e.lesson_id));
    const refused = lessonIds.filter((id) => !allowed.has(id));
    if (refused.length > 0) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, `Not enrolled in the course of lesson(s) ${refused.join(', ')}: nothing was stored.`, {
        field: 'entries',
        lessonIds: refused,
      });
    }
    const changed = new Set(await mergeLessonProgress(trx, viewer.userId, [...writes.values()]));
    const affected = new Set(enrolled.filter((e) => changed.has(e.lesson_id)).map((e) => e.enrollment_id));
    if (affected.size > 0) await afterLessonProgressChanged(trx, [...affected]);
    const stored = new Map((await findProgressOfUser(trx, viewer.userId, lessonIds)).map((p) => [p.lesson_id, p]));
    for (const progress of stored.values()) ctx.loaders.viewerProgressByLesson.prime(progress.lesson_id, progress);
    return lessonIds.map((id) => stored.get(id)!);
  });
}

/**
 * Where the enrollments' lessons' progress changed, in the sync's transaction (their rows
 * locked): recomputes each enrollment's progressPercent, then completes those now at 100 (status,
 * completed_count, one certificate, events).
 */
export async function afterLessonProgressChanged(trx: Kysely<LearningDatabase>, enrollmentIds: readonly string[]): Promise<Enrollment[]> {
  const recomputed = await recomputeEnrollmentProgress(trx, enrollmentIds);
  const completed = new Map((await completeEnrollments(trx, enrollmentIds)).map((e) => [e.id, e]));
  return recomputed.map((e) => completed.get(e.id) ?? e);
}

/** The viewer's own progress in a lesson; null for anybody else or nobody. */
export function viewerLessonProgress(ctx: LearningContext, lesson: LessonModel): Promise<LessonProgress | null> | null {
  return ctx.viewer ? ctx.loaders.viewerProgressByLesson.load(lesson.id) : null;
}

/** An enrollment's lessons' progress, for its learner (and ADMIN, who may see the enrollment). */
export async function enrollmentLessonProgress(ctx: LearningContext, enrollment: Enrollment): Promise<LessonProgress[]> {
  if (!isSelfOrRole(ctx, enrollment.user_id, 'ADMIN')) return [];
  return ctx.loaders.progressByEnrollment.load(`${enrollment.user_id}|${enrollment.course_id}`);
}

/**
 * Validates a batch and reduces it to one write per lesson, in first-seen order: the newest entry
 * gives the value (ties: the higher one), the earliest entry at 100 the completion time.
 */
function foldEntries(entries: readonly LessonProgressInput[]): Map<string, ProgressWrite> {
  if (entries.length > MAX_PROGRESS_ENTRIES) {
    throw badUserInput(`At most ${MAX_PROGRESS_ENTRIES} entries per sync (got ${entries.length}); send the rest in another batch.`, 'entries');
  }
  const latest = Date.now() + MAX_CLOCK_SKEW_MS;
  const writes = new Map<string, ProgressWrite>();
  entries.forEach((entry, index) => {
    const lessonId = parseId(entry.lessonId, `entries.${index}.lessonId`);
    const progressPercent = intInRange(entry.progressPercent, `entries.${index}.progressPercent`, 0, 100);
    const recordedAt = entry.recordedAt;
    if (recordedAt.getTime() > latest) {
      throw badUserInput(`entries[${index}].recordedAt is in the future (${recordedAt.toISOString()}); check the device's clock.`, `entries.${index}.recordedAt`);
    }
    const completedAt = progressPercent === 100 ? recordedAt : null;
    const known = writes.get(lessonId);
    if (!known) {
      writes.set(lessonId, { lessonId, progressPercent, recordedAt, completedAt });
      return;
    }
    const newer =
      recordedAt.getTime() > known.recordedAt.getTime() ||
      (recordedAt.getTime() === known.recordedAt.getTime() && progressPercent > known.progressPercent);
    const firstCompletion = [known.completedAt, completedAt].filter((d): d is Date => d !== null).sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
    writes.set(lessonId, newer ? { lessonId, progressPercent, recordedAt, completedAt: firstCompletion } : { ...known, completedAt: firstCompletion });
  });
  return writes;
}
