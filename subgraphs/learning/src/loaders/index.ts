import { DataLoader, defineLoaders, groupedLoader, keyedLoader, type Viewer } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { Course, EnrollmentStatus, LearningDatabase, Lesson } from '../db/database.js';
import { countLessonsByCourse, findCoursesByIds, findFirstCoursePageOfTopics } from '../repositories/course.repository.js';
import { findMaterialsOfCourses } from '../repositories/course-material.repository.js';
import {
  findEnrollmentsByIds,
  findEnrollmentsOfUser,
  findFirstEnrollmentPageOfUsers,
  type FirstEnrollmentPage,
} from '../repositories/enrollment.repository.js';
import {
  findCoursesWithOutlines,
  findLessonsByIds,
  findLessonsOfModules,
  findModulesByIds,
  findOutlinesOfCourses,
  type OutlineModule,
} from '../repositories/module.repository.js';
import { findProgressOfEnrollments, findProgressOfUser } from '../repositories/progress.repository.js';
import { findTopicsByIds, findTopicsOfCourses } from '../repositories/topic.repository.js';

/** The loaders that a course's outline, read in one statement, fills. */
interface OutlineLoaders {
  courseById: DataLoader<string, Course | null>;
  modulesByCourse: DataLoader<string, OutlineModule[]>;
  lessonsByModule: DataLoader<string, Lesson[]>;
}

// Modules are read with their lessons (one statement for both levels): a module's lessons are
// then already in lessonsByModule when asked for.
const primeLessons = (loaders: Pick<OutlineLoaders, 'lessonsByModule'>, modules: OutlineModule[]) => {
  for (const module of modules) loaders.lessonsByModule.prime(module.id, module.lessons);
};
const primeOutline = (loaders: OutlineLoaders, courseId: string, modules: OutlineModule[]) => {
  loaders.modulesByCourse.prime(courseId, modules);
  primeLessons(loaders, modules);
};

/** The per-request DataLoaders of the learning subgraph: one batched statement per field per tick. */
const makeLoaders = defineLoaders<{ db: Kysely<LearningDatabase>; viewer: Viewer | null }>()({
  courseById: ({ db }) => keyedLoader((ids: readonly string[]) => findCoursesByIds(db, ids), (c) => c.id),
  topicById: ({ db }) => keyedLoader((ids: readonly string[]) => findTopicsByIds(db, ids), (t) => t.id),
  topicsByCourse: ({ db }) => groupedLoader((ids: readonly string[]) => findTopicsOfCourses(db, ids), (t) => t.course_id),
  modulesByCourse: ({ db }, loaders: Pick<OutlineLoaders, 'lessonsByModule'>) => new DataLoader<string, OutlineModule[]>(async (courseIds) => {
    const outlines = new Map((await findOutlinesOfCourses(db, courseIds)).map((o) => [o.course_id, o.modules]));
    for (const modules of outlines.values()) primeLessons(loaders, modules);
    return courseIds.map((id) => outlines.get(id) ?? []);
  }),
  /** A course with its outline in one statement, for a course page; fills the loaders above. */
  courseWithOutlineById: ({ db }, loaders: OutlineLoaders) => keyedLoader(
    async (ids: readonly string[]) => {
      const courses = await findCoursesWithOutlines(db, ids);
      for (const { outline, ...course } of courses) {
        loaders.courseById.prime(course.id, course);
        primeOutline(loaders, course.id, outline);
      }
      return courses;
    },
    (c) => c.id,
  ),
  /** Each course's materials, in position order. */
  materialsByCourse: ({ db }) => groupedLoader((ids: readonly string[]) => findMaterialsOfCourses(db, ids), (m) => m.course_id),
  moduleById: ({ db }) => keyedLoader((ids: readonly string[]) => findModulesByIds(db, ids), (m) => m.id),
  lessonsByModule: ({ db }) => groupedLoader((ids: readonly string[]) => findLessonsOfModules(db, ids), (l) => l.module_id),
  lessonById: ({ db }) => keyedLoader((ids: readonly string[]) => findLessonsByIds(db, ids), (l) => l.id),
  lessonCountByCourse: ({ db }) => keyedLoader(
    (ids: readonly string[]) => countLessonsByCourse(db, ids),
    (r) => r.course_id,
    { project: (r) => r.lesson_count, missing: 0 },
  ),
  /** First pages of topics' courses, keyed `topicId|pageSize`; one statement per page size. */
  firstCoursePageByTopic: ({ db }) => new DataLoader<string, Awaited<ReturnType<typeof findFirstCoursePageOfTopics>>[number] | null>(async (keys) => {
    const bySize = new Map<number, string[]>();
    for (const key of keys) {
      const [id, size] = key.split('|') as [string, string];
      bySize.set(Number(size), [...(bySize.get(Number(size)) ?? []), id]);
    }
    const found = new Map<string, Awaited<ReturnType<typeof findFirstCoursePageOfTopics>>[number]>();
    await Promise.all(
      [...bySize].map(async ([size, ids]) => {
        for (const page of await findFirstCoursePageOfTopics(db, ids, size)) found.set(`${page.topicId}|${size}`, page);
      }),
    );
    return keys.map((key) => found.get(key) ?? null);
  }),
  /** First pages of users' enrollments, keyed `userId|status|pageSize` (status may be empty); one statement per status and size. */
  firstEnrollmentPageByUser: ({ db }) => new DataLoader<string, FirstEnrollmentPage | null>(async (keys) => {
    const groups = new Map<string, { status: EnrollmentStatus | null; size: number; userIds: string[] }>();
    for (const key of keys) {
      const [userId, status, size] = key.split('|') as [string, string, string];
      const group = groups.get(`${status}|${size}`) ?? { status: (status || null) as EnrollmentStatus | null, size: Number(size), userIds: [] };
      group.userIds.push(userId);
      groups.set(`${status}|${size}`, group);
    }
    const found = new Map<string, FirstEnrollmentPage>();
    await Promise.all(
      [...groups.values()].map(async ({ status, size, userIds }) => {
        for (const page of await findFirstEnrollmentPageOfUsers(db, userIds, status, size)) found.set(`${page.userId}|${status ?? ''}|${size}`, page);
      }),
    );
    return keys.map((key) => found.get(key) ?? null);
  }),
  enrollmentById: ({ db }) => keyedLoader((ids: readonly string[]) => findEnrollmentsByIds(db, ids), (e) => e.id),
  /** The viewer's own enrollment per course; empty when nobody is signed in. */
  viewerEnrollmentByCourse: ({ db, viewer }) => keyedLoader(
    async (courseIds: readonly string[]) => (viewer ? findEnrollmentsOfUser(db, viewer.userId, courseIds) : []),
    (e) => e.course_id,
  ),
  /** The viewer's own progress per lesson; empty when nobody is signed in. */
  viewerProgressByLesson: ({ db, viewer }) => keyedLoader(
    async (lessonIds: readonly string[]) => (viewer ? findProgressOfUser(db, viewer.userId, lessonIds) : []),
    (p) => p.lesson_id,
  ),
  /** Stored progress per enrollment, keyed `userId|courseId`, in course order. */
  progressByEnrollment: ({ db }) => groupedLoader(
    (keys: readonly string[]) =>
      findProgressOfEnrollments(
        db,
        keys.map((key) => {
          const [userId, courseId] = key.split('|') as [string, string];
          return { userId, courseId };
        }),
      ),
    (p) => `${p.user_id}|${p.course_id}`,
  ),
});

export function createLoaders(db: Kysely<LearningDatabase>, viewer: Viewer | null) {
  // The outline's factories see the set as OutlineLoaders: the compiler checks that it is one.
  return makeLoaders({ db, viewer }) satisfies OutlineLoaders;
}

export type Loaders = ReturnType<typeof createLoaders>;
