import type { LessonResolvers } from '../generated/graphql.js';
import { courseOfLesson, lessonBody } from '../services/course-content.service.js';
import { viewerLessonProgress } from '../services/progress.service.js';

export const Lesson: LessonResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.lessonById.load(ref.id),
  durationMinutes: (l) => l.duration_minutes,
  body: (l, _, ctx) => lessonBody(ctx, l),
  course: (l, _, ctx) => courseOfLesson(ctx, l),
  viewerProgress: (l, _, ctx) => viewerLessonProgress(ctx, l),
};
