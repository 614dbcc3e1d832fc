import { hasRole } from '@academy/service-kit';
import type { LearningContext } from '../context.js';
import type { Lesson as LessonRow } from '../db/database.js';

type LessonParent = LessonRow & { course_id?: string };

/** The course of a lesson, through its module when the row does not carry it. */
async function courseIdOf(lesson: LessonParent, ctx: LearningContext): Promise<string | null> {
  if (lesson.course_id) return lesson.course_id;
  return (await ctx.loaders.moduleById.load(lesson.module_id))?.course_id ?? null;
}

export const Lesson = {
  __resolveReference: (ref: { id: string }, ctx: LearningContext) => ctx.loaders.lessonById.load(ref.id),
  durationMinutes: (l: LessonRow) => l.duration_minutes,
  async body(l: LessonParent, _: unknown, ctx: LearningContext) {
    if (!ctx.viewer) return null;
    if (hasRole(ctx, 'ADMIN')) return l.body;
    const courseId = await courseIdOf(l, ctx);
    if (!courseId) return null;
    const [course, enrollment] = await Promise.all([
      ctx.loaders.courseById.load(courseId),
      ctx.loaders.viewerEnrollmentByCourse.load(courseId),
    ]);
    const enrolled = enrollment !== null && enrollment.status !== 'CANCELLED';
    return enrolled || course?.author_id === ctx.viewer.userId ? l.body : null;
  },
  async course(l: LessonParent, _: unknown, ctx: LearningContext) {
    const courseId = await courseIdOf(l, ctx);
    return courseId ? ctx.loaders.courseById.load(courseId) : null;
  },
};
