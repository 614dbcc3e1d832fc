import type { EntityReference } from '@academy/service-kit';
import type { Insertable, Selectable, Updateable } from 'kysely';
import type {
  DB,
  LearningCertificates,
  LearningCoursePrices,
  LearningCourseMaterials,
  LearningCourses,
  LearningEnrollments,
  LearningLearningPaths,
  LearningLessonProgress,
  LearningLessons,
  LearningModules,
  LearningTopics,
} from '../generated/tables.js';

export type { CourseLevel, CourseMaterialKind, CourseMaterialVisibility, CourseStatus, EnrollmentStatus, LessonKind } from '../generated/graphql.js';

/** The learning subgraph's tables (its own schema only), as the migrations build them. */
export type LearningDatabase = DB;

export type Topic = Selectable<LearningTopics>;
export type Course = Omit<Selectable<LearningCourses>, 'search'>;
export type NewCourse = Insertable<LearningCourses>;
export type CourseUpdate = Updateable<LearningCourses>;
export type Module = Selectable<LearningModules>;
export type Lesson = Selectable<LearningLessons>;
/** A lesson as resolvers receive it: read alone, or from an outline that carries its course. */
export type LessonModel = Lesson & { course_id?: string };
export type Enrollment = Selectable<LearningEnrollments>;
/** A learner's progress in one lesson, as stored. */
export type LessonProgress = Selectable<LearningLessonProgress>;
/** A learning path as stored. */
export type LearningPath = Selectable<LearningLearningPaths>;
/** A learning path with its published courses in order and, when signed in, how many of them the viewer completed. */
export type LearningPathModel = LearningPath & { courses: Course[]; viewerCompleted: number | null };
/** A user of the identity subgraph, referred to by id. */
export type UserReference = EntityReference<'User'>;
/** A certificate, as stored (its status is derived from revoked_at and expires_at). */
export type Certificate = Selectable<LearningCertificates>;
/** A course's price as learning last heard it from commerce (amount null = free). */
export type CoursePrice = Selectable<LearningCoursePrices>;
/** A course material, as stored. */
export type CourseMaterial = Selectable<LearningCourseMaterials>;
export type NewCourseMaterial = Insertable<LearningCourseMaterials>;
export type CourseMaterialUpdate = Updateable<LearningCourseMaterials>;
