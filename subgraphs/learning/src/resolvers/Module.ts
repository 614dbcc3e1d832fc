import type { ModuleResolvers } from '../generated/graphql.js';

export const Module: ModuleResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.moduleById.load(ref.id),
  lessons: (m, _, ctx) => ctx.loaders.lessonsByModule.load(m.id),
};
