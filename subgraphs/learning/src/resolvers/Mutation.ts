import type { MutationResolvers } from '../generated/graphql.js';
import {
  addLesson,
  addModule,
  archiveCourse,
  createCourse,
  moveLesson,
  moveModule,
  publishCourse,
  updateCourse,
} from '../services/course-authoring.service.js';
import { addCourseMaterial, moveCourseMaterial, removeCourseMaterial, updateCourseMaterial } from '../services/course-material.service.js';
import { revokeCertificate } from '../services/certificate.service.js';
import { enroll } from '../services/enrollment.service.js';
import { syncLessonProgress } from '../services/progress.service.js';

export const Mutation: MutationResolvers = {
  createCourse: (_, { input }, ctx) => createCourse(ctx, input),
  updateCourse: (_, { id, input }, ctx) => updateCourse(ctx, id, input),
  publishCourse: (_, { id }, ctx) => publishCourse(ctx, id),
  archiveCourse: (_, { id }, ctx) => archiveCourse(ctx, id),
  addModule: (_, { courseId, title }, ctx) => addModule(ctx, courseId, title),
  addLesson: (_, { moduleId, input }, ctx) => addLesson(ctx, moduleId, input),
  moveModule: (_, { id, position }, ctx) => moveModule(ctx, id, position),
  moveLesson: (_, { id, position }, ctx) => moveLesson(ctx, id, position),
  enroll: (_, { courseId }, ctx) => enroll(ctx, courseId),
  addCourseMaterial: (_, { courseId, input }, ctx) => addCourseMaterial(ctx, courseId, input),
  updateCourseMaterial: (_, { id, input }, ctx) => updateCourseMaterial(ctx, id, input),
  moveCourseMaterial: (_, { id, position }, ctx) => moveCourseMaterial(ctx, id, position),
  removeCourseMaterial: (_, { id }, ctx) => removeCourseMaterial(ctx, id),
  syncLessonProgress: (_, { entries }, ctx) => syncLessonProgress(ctx, entries),
  revokeCertificate: (_, args, ctx) => revokeCertificate(ctx, args),
};
