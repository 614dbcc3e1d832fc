import type { LearningContext } from '../context.js';
import type { Module as ModuleRow } from '../db/database.js';

export const Module = {
  __resolveReference: (ref: { id: string }, ctx: LearningContext) => ctx.loaders.moduleById.load(ref.id),
  lessons: (m: ModuleRow, _: unknown, ctx: LearningContext) => ctx.loaders.lessonsByModule.load(m.id),
};
