import { Kind, type GraphQLResolveInfo, type SelectionNode } from 'graphql';
import { badUserInput, forbidden, forwardPage, hasRole, isTimestampText, isUuid, parseId, toConnection } from '@academy/service-kit';
import type { LearningContext } from '../context.js';
import type { Course, CourseLevel, CourseStatus } from '../db/database.js';
import {
  findCourseIdBySlug,
  findCoursePage,
  type CourseOrderField,
  type SortDirection,
} from '../repositories/course.repository.js';
import { findAllTopics } from '../repositories/topic.repository.js';

interface CoursesArgs {
  first?: number | null;
  after?: string | null;
  filter?: {
    search?: string | null;
    level?: CourseLevel | null;
    language?: string | null;
    topicId?: string | null;
    status?: CourseStatus | null;
  } | null;
  orderBy?: { field: CourseOrderField; direction: SortDirection } | null;
}

/** A course cursor names the sort it belongs to, so it cannot be replayed against another. */
type CatalogueCursor = [CourseOrderField, SortDirection, string, string];

const SORT_KEY_FORMAT: Record<CourseOrderField, (key: string) => boolean> = {
  TITLE: (key) => key.length <= 200,
  PUBLISHED_AT: (key) => key === '-infinity' || isTimestampText(key),
  ENROLLMENT_COUNT: (key) => /^\d{1,10}$/.test(key),
};

export const isCatalogueCursor = (value: unknown): value is CatalogueCursor =>
  Array.isArray(value) &&
  value.length === 4 &&
  typeof value[0] === 'string' &&
  value[0] in SORT_KEY_FORMAT &&
  (value[1] === 'ASC' || value[1] === 'DESC') &&
  typeof value[2] === 'string' &&
  SORT_KEY_FORMAT[value[0] as CourseOrderField](value[2]) &&
  isUuid(value[3]);

/** Whether the viewer may see courses that are not published. */
export const seesUnpublished = (ctx: LearningContext) => hasRole(ctx, 'ADMIN', 'CONTENT_AUTHOR');

/** Runs a catalogue query: validation, visibility, one statement, a Relay connection. */
export async function courseConnection(ctx: LearningContext, args: CoursesArgs) {
  const page = forwardPage(args, isCatalogueCursor);
  const filter = args.filter ?? {};
  const orderBy = args.orderBy ?? { field: 'TITLE', direction: 'ASC' };
  if (page.after && (page.after[0] !== orderBy.field || page.after[1] !== orderBy.direction)) {
    throw badUserInput('"after" belongs to a list sorted another way.', 'after');
  }
  if (filter.status && filter.status !== 'PUBLISHED' && !seesUnpublished(ctx)) {
    throw forbidden('Only ADMIN and CONTENT_AUTHOR see courses that are not published.');
  }
  const search = filter.search?.trim();
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
    },
    orderBy,
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

export const Query = {
  courses: (_: unknown, args: CoursesArgs, ctx: LearningContext) => courseConnection(ctx, args),

  async course(_: unknown, args: { id?: string | null; slug?: string | null }, ctx: LearningContext, info: GraphQLResolveInfo) {
    if ((args.id == null) === (args.slug == null)) throw badUserInput('Give exactly one of "id" and "slug".');
    const id = args.id != null ? parseId(args.id) : await findCourseIdBySlug(ctx.db, args.slug!.trim().toLowerCase());
    if (!id) return null;
    // A course page asks for the outline too: then course, modules and lessons are one statement.
    const course = selectsField(info, 'modules') ? await ctx.loaders.courseWithOutlineById.load(id) : await ctx.loaders.courseById.load(id);
    if (!course) return null;
    if (course.status !== 'PUBLISHED' && !seesUnpublished(ctx) && course.author_id !== ctx.viewer?.userId) return null;
    return course;
  },

  topics: (_: unknown, _args: unknown, ctx: LearningContext) => findAllTopics(ctx.db),
};

/** Whether the field's own selection names `name` (directly or in an inline fragment). */
function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  const walk = (selections: readonly SelectionNode[]): boolean =>
    selections.some((s) => (s.kind === Kind.FIELD ? s.name.value === name : s.kind === Kind.INLINE_FRAGMENT ? walk(s.selectionSet.selections) : false));
  return info.fieldNodes.some((node) => walk(node.selectionSet?.selections ?? []));
}
