import type { LearningContext } from '../context.js';
import type { LearningPathModel } from '../db/database.js';
import { findPathCourses, findPublishedPaths } from '../repositories/learning-path.repository.js';

/** Published learning paths with their courses in order and the viewer's completions; two statements in all. */
export async function publishedLearningPaths(ctx: LearningContext): Promise<LearningPathModel[]> {
  const paths = await findPublishedPaths(ctx.db);
  if (paths.length === 0) return [];
  const userId = ctx.viewer?.userId ?? null;
  const rows = await findPathCourses(
    ctx.db,
    paths.map((p) => p.id),
    userId,
  );
  const byPath = new Map<string, LearningPathModel>(paths.map((p) => [p.id, { ...p, courses: [], viewerCompleted: userId ? 0 : null }]));
  for (const { path_id, completed, ...course } of rows) {
    const path = byPath.get(path_id)!;
    path.courses.push(course);
    if (completed) path.viewerCompleted! += 1;
  }
  return [...byPath.values()];
}

/** How far the viewer is along a path; null when nobody is signed in. */
export function pathProgress(path: LearningPathModel) {
  if (path.viewerCompleted === null) return null;
  const totalCourses = path.courses.length;
  const percent = totalCourses === 0 ? 0 : Math.floor((100 * path.viewerCompleted) / totalCourses);
  return { completedCourses: path.viewerCompleted, totalCourses, percent };
}
