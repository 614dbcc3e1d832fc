// Course authoring: who may change a course, what a valid course is, and the transactions that
// change it together with the events they publish.
import { badUserInput, conflict, hasRole, intInRange, notFound, parseId, requireRole, text, forbidden, type Viewer } from '@academy/service-kit';
import type { Transaction } from 'kysely';
import type { LearningContext } from '../context.js';
import type { Course, CourseUpdate, LearningDatabase, Lesson, Module } from '../db/database.js';
import { publishCoursePublished, publishCourseUpdated } from '../events/published.js';
import type { AddLessonInput, CreateCourseInput, UpdateCourseInput } from '../generated/graphql.js';
import {
  appendLesson,
  appendModule,
  countCourseLessons,
  countModuleLessons,
  countModules,
  countTopics,
  courseIdOfModule,
  insertCourse,
  lockCourse,
  lockModule,
  moduleIdOfLesson,
  moveLessonTo,
  moveModuleTo,
  replaceCourseTopics,
  updateCourseRow,
} from '../repositories/course-authoring.repository.js';
import { findSlugsLike } from '../repositories/course.repository.js';

type Trx = Transaction<LearningDatabase>;

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const SLUG_MAX = 100;
/** How often a slug taken by a concurrent insert is retried with the next suffix. */
const SLUG_ATTEMPTS = 10;

/** The viewer, if they may author courses at all. */
export const requireAuthor = (ctx: LearningContext): Viewer => requireRole(ctx, 'CONTENT_AUTHOR', 'ADMIN');

/** FORBIDDEN unless the viewer wrote `course` or is ADMIN. */
function assertMayEdit(ctx: LearningContext, viewer: Viewer, course: Course): void {
  if (course.author_id !== viewer.userId && !hasRole(ctx, 'ADMIN')) throw forbidden('Only the course\'s author or ADMIN may change it.');
}

/** The course locked for this transaction, if the viewer may edit it; NOT_FOUND or FORBIDDEN otherwise. */
export async function editableCourse(ctx: LearningContext, trx: Trx, viewer: Viewer, courseId: string): Promise<Course> {
  const course = await lockCourse(trx, courseId);
  if (!course) throw notFound('No such course.');
  assertMayEdit(ctx, viewer, course);
  return course;
}

/** A slug made from a title: lowercase ASCII letters and digits separated by single hyphens. */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX - 8)
    .replace(/-+$/, '');
  return slug || 'course';
}

/** `base`, or `base-N` with the smallest N above those taken. */
async function freeSlug(trx: Trx, base: string, exceptCourseId?: string): Promise<string> {
  const taken = await findSlugsLike(trx, base, exceptCourseId);
  if (!taken.includes(base)) return base;
  const suffixes = taken.map((s) => (s === base ? 1 : Number(s.slice(base.length + 1))));
  return `${base}-${Math.max(...suffixes) + 1}`;
}

const isSlugTaken = (error: unknown) =>
  (error as { code?: unknown })?.code === '23505' && (error as { constraint?: unknown }).constraint === 'courses_slug_key';

/** Runs `work` in a transaction, again if a concurrent insert took the slug it chose. */
async function withSlugRetry<T>(ctx: LearningContext, work: (trx: Trx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.db.transaction().execute(work);
    } catch (error) {
      if (!isSlugTaken(error) || attempt >= SLUG_ATTEMPTS) throw error;
    }
  }
}

/** A BCP 47 tag in its canonical case (en-GB); BAD_USER_INPUT otherwise. Intl knows the grammar. */
function languageTag(value: string, field: string): string {
  const tag = value.trim();
  if (tag.length > 35 || !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(tag)) throw badUserInput(`"${field}" must be a language tag such as en or en-GB.`, field);
  try {
    return Intl.getCanonicalLocales(tag)[0]!;
  } catch {
    throw badUserInput(`"${field}" must be a language tag such as en or en-GB.`, field);
  }
}

/** An optional text: trimmed, empty as null, at most `max` characters. */
export function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  if (value == null) return null;
  const trimmed = value.trim();
  if (trimmed.length > max) throw badUserInput(`"${field}" must be at most ${max} characters long.`, field);
  return trimmed || null;
}

const optionalInt = (value: number | null | undefined, field: string, min: number, max: number) =>
  value == null ? null : intInRange(value, field, min, max);

/** A title of a course, module, lesson or material: 3 to 200 characters once trimmed. */
export const title = (value: string, field = 'title') => text(value, field, { min: 3, max: 200 });

function topicIdList(ids: readonly string[] | null | undefined, field: string): string[] | null {
  if (ids == null) return null;
  if (ids.length > 20) throw badUserInput(`"${field}" may name at most 20 topics.`, field);
  return [...new Set(ids.map((id) => parseId(id, field)))];
}

async function setTopics(trx: Trx, courseId: string, topicIds: string[], field: string): Promise<void> {
  if (topicIds.length && (await countTopics(trx, topicIds)) !== topicIds.length) throw badUserInput(`"${field}" names a topic that does not exist.`, field);
  await replaceCourseTopics(trx, courseId, topicIds);
}

/** Creates a draft course authored by the viewer. */
export async function createCourse(ctx: LearningContext, input: CreateCourseInput): Promise<Course> {
  const viewer = requireAuthor(ctx);
  const values = {
    title: title(input.title, 'input.title'),
    summary: optionalText(input.summary, 'input.summary', 500),
    description: optionalText(input.description, 'input.description', 20_000),
    level: input.level,
    language: languageTag(input.language, 'input.language'),
    duration_minutes: optionalInt(input.durationMinutes, 'input.durationMinutes', 1, 100_000),
    certificate_validity_months: optionalInt(input.certificateValidityMonths, 'input.certificateValidityMonths', 1, 120),
  };
  let slug: string | null = null;
  if (input.slug != null) {
    slug = input.slug.trim();
    if (slug.length > SLUG_MAX || !SLUG.test(slug)) throw badUserInput('"input.slug" must be lowercase letters and digits separated by hyphens, at most 100 characters.', 'input.slug');
  }
  const topicIds = topicIdList(input.topicIds, 'input.topicIds');
  try {
    return await withSlugRetry(ctx, async (trx) => {
      const course = await insertCourse(trx, { ...values, slug: slug ?? (await freeSlug(trx, slugify(values.title))), author_id: viewer.userId, status: 'DRAFT' });
      if (topicIds) await setTopics(trx, course.id, topicIds, 'input.topicIds');
      return course;
    });
  } catch (error) {
    // An explicit slug is not changed behind the author's back.
    if (slug !== null && isSlugTaken(error)) throw conflict(`The slug "${slug}" is taken by another course.`);
    throw error;
  }
}

/** Changes a course; the slug follows the title while the course was never published. */
export async function updateCourse(ctx: LearningContext, id: string, input: UpdateCourseInput): Promise<Course> {
  const viewer = requireAuthor(ctx);
  const courseId = parseId(id);
  const changes: CourseUpdate = {};
  if ('title' in input) {
    if (input.title == null) throw badUserInput('"input.title" cannot be null.', 'input.title');
    changes.title = title(input.title, 'input.title');
  }
  if ('summary' in input) changes.summary = optionalText(input.summary, 'input.summary', 500);
  if ('description' in input) changes.description = optionalText(input.description, 'input.description', 20_000);
  if ('level' in input) {
    if (input.level == null) throw badUserInput('"input.level" cannot be null.', 'input.level');
    changes.level = input.level;
  }
  if ('language' in input) {
    if (input.language == null) throw badUserInput('"input.language" cannot be null.', 'input.language');
    changes.language = languageTag(input.language, 'input.language');
  }
  if ('durationMinutes' in input) changes.duration_minutes = optionalInt(input.durationMinutes, 'input.durationMinutes', 1, 100_000);
  if ('certificateValidityMonths' in input) {
    changes.certificate_validity_months = optionalInt(input.certificateValidityMonths, 'input.certificateValidityMonths', 1, 120);
  }
  const topicIds = topicIdList(input.topicIds, 'input.topicIds');
  // An empty change would still publish CourseUpdated: consumers would see an update that is none.
  if (Object.keys(changes).length === 0 && !topicIds) throw badUserInput('Give at least one field to change.', 'input');
  return withSlugRetry(ctx, async (trx) => {
    const course = await editableCourse(ctx, trx, viewer, courseId);
    // A published slug is in links and bookmarks: it stays.
    if (changes.title !== undefined && changes.title !== course.title && course.published_at === null) {
      changes.slug = await freeSlug(trx, slugify(changes.title), course.id);
    }
    const updated = await updateCourseRow(trx, course.id, changes);
    if (topicIds) await setTopics(trx, course.id, topicIds, 'input.topicIds');
    await publishCourseUpdated(trx, updated);
    return updated;
  });
}

/** Runs `work` on the course, locked, in one transaction, if the viewer may edit it. */
async function withEditableCourse<T>(ctx: LearningContext, id: string, field: string, work: (trx: Trx, course: Course) => Promise<T>): Promise<T> {
  const viewer = requireAuthor(ctx);
  const courseId = parseId(id, field);
  return ctx.db.transaction().execute(async (trx) => work(trx, await editableCourse(ctx, trx, viewer, courseId)));
}

/** Puts a draft course in the catalogue; it needs a lesson. */
export const publishCourse = (ctx: LearningContext, id: string): Promise<Course> =>
  withEditableCourse(ctx, id, 'id', async (trx, course) => {
    if (course.status === 'ARCHIVED') throw conflict('An archived course cannot be published again.');
    if (course.status === 'PUBLISHED') throw conflict('The course is already published.');
    if ((await countCourseLessons(trx, course.id)) === 0) throw conflict('A course needs at least one lesson before it can be published.');
    const published = await updateCourseRow(trx, course.id, { status: 'PUBLISHED', published_at: course.published_at ?? new Date() });
    await publishCoursePublished(trx, published);
    return published;
  });

/** Takes a course out of the catalogue; enrollments and their access stay. */
export const archiveCourse = (ctx: LearningContext, id: string): Promise<Course> =>
  withEditableCourse(ctx, id, 'id', async (trx, course) => {
    if (course.status === 'ARCHIVED') throw conflict('The course is already archived.');
    const archived = await updateCourseRow(trx, course.id, { status: 'ARCHIVED' });
    await publishCourseUpdated(trx, archived);
    return archived;
  });

/**
 * A published course's outline is in its events (the catalogue's search copies read it): a new
 * module or lesson publishes CourseUpdated. Drafts publish nothing until they are published.
 */
async function announceOutlineChange(trx: Trx, course: Course): Promise<void> {
  if (course.status === 'PUBLISHED') await publishCourseUpdated(trx, course);
}

/** Adds a module at the end of a course. */
export async function addModule(ctx: LearningContext, courseId: string, moduleTitle: string): Promise<Module> {
  requireAuthor(ctx);
  const validTitle = title(moduleTitle);
  return withEditableCourse(ctx, courseId, 'courseId', async (trx, course) => {
    const module = await appendModule(trx, course.id, validTitle);
    await announceOutlineChange(trx, course);
    return module;
  });
}

/** Adds a lesson at the end of a module. */
export async function addLesson(ctx: LearningContext, moduleId: string, input: AddLessonInput): Promise<Lesson> {
  const viewer = requireAuthor(ctx);
  const id = parseId(moduleId, 'moduleId');
  const lesson = {
    title: title(input.title, 'input.title'),
    kind: input.kind,
    duration_minutes: optionalInt(input.durationMinutes, 'input.durationMinutes', 1, 10_000),
    body: optionalText(input.body, 'input.body', 200_000),
  };
  return ctx.db.transaction().execute(async (trx) => {
    const courseId = await courseIdOfModule(trx, id);
    if (!courseId) throw notFound('No such module.');
    const course = await editableCourse(ctx, trx, viewer, courseId);
    // The course's lock serialises every change of its outline, the module's lessons included.
    const module = await lockModule(trx, id);
    if (!module) throw notFound('No such module.');
    const added = await appendLesson(trx, { ...lesson, module_id: module.id });
    await announceOutlineChange(trx, course);
    return added;
  });
}

/** Moves a module within its course; the positions stay 1..n. */
export async function moveModule(ctx: LearningContext, moduleId: string, position: number): Promise<Module> {
  const viewer = requireAuthor(ctx);
  const id = parseId(moduleId);
  return ctx.db.transaction().execute(async (trx) => {
    const courseId = await courseIdOfModule(trx, id);
    if (!courseId) throw notFound('No such module.');
    await editableCourse(ctx, trx, viewer, courseId);
    // Read again under the course's lock: the module may have gone meanwhile.
    const module = await lockModule(trx, id);
    if (!module || module.course_id !== courseId) throw notFound('No such module.');
    intInRange(position, 'position', 1, await countModules(trx, courseId));
    return moveModuleTo(trx, id, position);
  });
}

/** Moves a lesson within its module; the positions stay 1..n. */
export async function moveLesson(ctx: LearningContext, lessonId: string, position: number): Promise<Lesson> {
  const viewer = requireAuthor(ctx);
  const id = parseId(lessonId);
  return ctx.db.transaction().execute(async (trx) => {
    const moduleId = await moduleIdOfLesson(trx, id);
    const courseId = moduleId && (await courseIdOfModule(trx, moduleId));
    if (!moduleId || !courseId) throw notFound('No such lesson.');
    await editableCourse(ctx, trx, viewer, courseId);
    if ((await moduleIdOfLesson(trx, id)) !== moduleId) throw notFound('No such lesson.');
    intInRange(position, 'position', 1, await countModuleLessons(trx, moduleId));
    return moveLessonTo(trx, id, position);
  });
}
