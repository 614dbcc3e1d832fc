import type { LearningPathResolvers } from '../generated/graphql.js';
import { pathProgress } from '../services/learning-path.service.js';

export const LearningPath: LearningPathResolvers = {
  difficulty: (path) => path.level,
  courses: (path) => path.courses,
  viewerProgress: (path) => pathProgress(path),
};
