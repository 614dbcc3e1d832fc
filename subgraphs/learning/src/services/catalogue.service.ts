import { badUserInput, forbidden, forwardPage, hasRole, isTimestampText, isUuid, parseId, toConnection } from '@academy/service-kit';
import type { LearningContext } from '../context.js';
import type { Course, Topic } from '../db/database.js';
import type { CourseOrderField, OrderDirection, QueryCourseArgs, QueryCoursesArgs, TopicCoursesArgs } from '../generated/graphql.js';
import { findCourseIdBySlug, findCoursePage } from '../repositories/course.repository.js';
import { findAllTopics } from '../repositories/topic.repository.js';

/** The order of a search without an explicit orderBy: best match first, ties by id. */
type CatalogueOrderField = CourseOrderField | 'RELEVANCE';

/** A course cursor names the sort it belongs to, so it cannot be replayed against another. */
type CatalogueCursor = [CatalogueOrderField, OrderDirection, string, string];

const SORT_KEY_FORMAT: Record<CatalogueOrderField, (key: string) => boolean> = {
  RELEVANCE: (key) => /^\d+(\.\d+)?(e[-+]\d+)?$/.test(key),
  TITLE: (key) => key.length <= 200,
  PUBLISHED_AT: (key) => key === '-infinity' || isTimestampText(key),
  ENROLLMENT_COUNT: (key) => /^\d{1,10}$/.test(key),
};

const isSortField = (value: unknown): value is CatalogueOrderField => typeof value === 'string' && value in SORT_KEY_FORMAT;

const isCatalogueCursor = (value: unknown): value is CatalogueCursor =>
  Array.isArray(value) &&
  value.length === 4 &&
  isSortField(value[0]) &&
  (value[1] === 'ASC' || value[1] === 'DESC') &&
  typeof value[2] === 'string' &&
  SORT_KEY_FORMAT[value[0]](value[2]) &&
  isUuid(value[3]);

/** Whether the viewer may see courses that are not published. */
export const seesUnpublished = (ctx: LearningContext) => hasRole(ctx, 'ADMIN', 'CONTENT_AUTHOR');

/** Whether the viewer may see `course`: published, or they author it, or they may see every course. */
export const maySeeCourse = (ctx: LearningContext, course: Course) =>
  course.status === 'PUBLISHED' || seesUnpublished(ctx) || course.author_id === ctx.viewer?.userId;

/** The catalogue: validation, visibility, one statement, a Relay connection. */
export async function courseConnection(ctx: LearningContext, args: QueryCoursesArgs) {
  const page = forwardPage(args, isCatalogueCursor);
  const filter = args.filter ?? {};
  const search = filter.search?.trim();
  const orderBy: { field: CatalogueOrderField; direction: OrderDirection } =
    args.orderBy ?? (search ? { field: 'RELEVANCE', direction: 'DESC' } : { field: 'TITLE', direction: 'ASC' });
  if (page.after && (page.after[0] !== orderBy.field || page.after[1] !== orderBy.direction)) {
    throw badUserInput('"after" belongs to a list sorted another way.', 'after');
  }
  if (filter.status && filter.status !== 'PUBLISHED' && !seesUnpublished(ctx)) {
    throw forbidden('Only ADMIN and CONTENT_AUTHOR see courses that are not published.');
  }
  if (search !== undefined && search.length > 200) throw badUserInput('"search" must be at most 200 characters.', 'filter.search');
  if (filter.language !== undefined && filter.language !== null && !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(filter.language)) {
    throw badUserInput('"language" must be a language tag such as en or en-GB.', 'filter.language');
  }
  const result = await findCoursePage(ctx.db, {
    filter: {
      statuses: [filter.status ?? 'PUBLISHED'],
      search: search || null,
      level: filter.level ?? null,
      language: filter.language ?? null,
      topicId: filter.topicId ? parseId(filter.topicId, 'filter.topicId') : null,
      isFree: filter.isFree ?? null,
    },
    orderBy: orderBy.field === 'RELEVANCE' ? { field: 'RELEVANCE' } : { field: orderBy.field, direction: orderBy.direction },
    limit: page.limit,
    after: page.after ? [page.after[2], page.after[3]] : null,
  });
  for (const row of result.rows) ctx.loaders.courseById.prime(row.id, row);
  return toConnection({
    rows: result.rows,
    limit: page.limit,
    totalCount: result.totalCount,
    hasPreviousPage: result.hasPreviousPage,
    cursorOf: (row): CatalogueCursor => [orderBy.field, orderBy.direction, row.cursor_key, row.id],
    nodeOf: (row): Course => row,
  });
}

/**
 * One course by id or slug, if the viewer may see it. With `withOutline` (a course page that
 * asks for modules) the course, its modules and their lessons are read in one statement.
 */
export async function findCourse(ctx: LearningContext, args: QueryCourseArgs, withOutline: boolean): Promise<Course | null> {
  if ((args.id == null) === (args.slug == null)) throw badUserInput('Give exactly one of "id" and "slug".');
  const id = args.id != null ? parseId(args.id) : await findCourseIdBySlug(ctx.db, args.slug!.trim().toLowerCase());
  if (!id) return null;
  const course = withOutline ? await ctx.loaders.courseWithOutlineById.load(id) : await ctx.loaders.courseById.load(id);
  return course && maySeeCourse(ctx, course) ? course : null;
}

/** Every topic, by name. */
export const allTopics = (ctx: LearningContext): Promise<Topic[]> => findAllTopics(ctx.db);

/** A topic's published courses by title: first pages batched across topics, later ones one topic's query. */
export async function topicCourses(ctx: LearningContext, topic: Topic, args: TopicCoursesArgs) {
  if (args.after) return courseConnection(ctx, { first: args.first, after: args.after, filter: { topicId: topic.id } });
  const { limit } = forwardPage(args, isCatalogueCursor);
  const page = await ctx.loaders.firstCoursePageByTopic.load(`${topic.id}|${limit}`);
  const rows = page?.rows ?? [];
  for (const row of rows) ctx.loaders.courseById.prime(row.id, row);
  return toConnection({
    rows,
    limit,
    totalCount: page?.totalCount ?? 0,
    hasPreviousPage: false,
    cursorOf: (row): CatalogueCursor => ['TITLE', 'ASC', row.cursor_key, row.id],
    nodeOf: (row): Course => row,
  });
}
