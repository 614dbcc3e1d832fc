import { hasRole, loadRequired, requireRole } from '@academy/service-kit';
import type { LearningContext } from '../context.js';
import type { Course, LessonModel } from '../db/database.js';

/** Share of a course's enrollments that completed; ANALYST and ADMIN only. */
export function completionRate(ctx: LearningContext, course: Course): number {
  requireRole(ctx, 'ANALYST', 'ADMIN');
  return course.enrollment_count === 0 ? 0 : course.completed_count / course.enrollment_count;
}

/** The course of a lesson, through its module when the row does not carry it. */
async function courseIdOf(ctx: LearningContext, lesson: LessonModel): Promise<string | null> {
  if (lesson.course_id) return lesson.course_id;
  return (await ctx.loaders.moduleById.load(lesson.module_id))?.course_id ?? null;
}

/** The course a lesson belongs to. */
export async function courseOfLesson(ctx: LearningContext, lesson: LessonModel): Promise<Course> {
  const courseId = lesson.course_id ?? (await loadRequired(ctx.loaders.moduleById, lesson.module_id, 'module')).course_id;
  return loadRequired(ctx.loaders.courseById, courseId, 'course');
}

/**
 * Whether the viewer may open a course's content (lesson bodies, ENROLLED materials): ADMIN, the
 * course's author, and learners with an ACTIVE or COMPLETED enrollment in it.
 */
export async function mayOpenCourseContent(ctx: LearningContext, courseId: string): Promise<boolean> {
  if (!ctx.viewer) return false;
  if (hasRole(ctx, 'ADMIN')) return true;
  const [course, enrollment] = await Promise.all([ctx.loaders.courseById.load(courseId), ctx.loaders.viewerEnrollmentByCourse.load(courseId)]);
  if (course?.author_id === ctx.viewer.userId) return true;
  return enrollment?.status === 'ACTIVE' || enrollment?.status === 'COMPLETED';
}

/** A lesson's content: for ADMIN, the course's author and learners enrolled in it; null for anyone else. */
export async function lessonBody(ctx: LearningContext, lesson: LessonModel): Promise<string | null> {
  if (!ctx.viewer) return null;
  const courseId = await courseIdOf(ctx, lesson);
  if (!courseId) return null;
  return (await mayOpenCourseContent(ctx, courseId)) ? lesson.body : null;
}
