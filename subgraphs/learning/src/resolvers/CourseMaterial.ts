import type { CourseMaterialResolvers } from '../generated/graphql.js';
import { courseOfMaterial, isMaterialLocked, materialUrl } from '../services/course-material.service.js';

export const CourseMaterial: CourseMaterialResolvers = {
  course: (m, _, ctx) => courseOfMaterial(ctx, m),
  url: (m, _, ctx) => materialUrl(ctx, m),
  locked: (m, _, ctx) => isMaterialLocked(ctx, m),
  sizeBytes: (m) => m.size_bytes,
  mediaType: (m) => m.media_type,
  createdAt: (m) => m.created_at,
  updatedAt: (m) => m.updated_at,
};
