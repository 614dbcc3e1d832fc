import { loadRequired } from '@academy/service-kit';
import type { LessonProgressResolvers } from '../generated/graphql.js';

export const LessonProgress: LessonProgressResolvers = {
  lesson: (p, _, ctx) => loadRequired(ctx.loaders.lessonById, p.lesson_id, 'lesson'),
  progressPercent: (p) => p.progress_percent,
  completedAt: (p) => p.completed_at,
  updatedAt: (p) => p.updated_at,
};
