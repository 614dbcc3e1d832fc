import { columnList, keysetPage, selectList } from '@academy/service-kit';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Course, CourseLevel, CourseStatus, LearningDatabase } from '../db/database.js';
import type { CourseOrder, CourseOrderField } from '../generated/graphql.js';

/** A validated catalogue filter: the statuses the viewer may see, ids already parsed. */
export interface CourseFilter {
  statuses: CourseStatus[];
  search?: string | null;
  level?: CourseLevel | null;
  language?: string | null;
  topicId?: string | null;
  /** true: courses without a price; false: priced ones (learning's copy of commerce's prices). */
  isFree?: boolean | null;
}

/** Position of a course in a sorted list: its sort value as PostgreSQL prints it, and its id. */
export type CourseCursor = [string, string];

export interface CoursePageQuery {
  filter: CourseFilter;
  /** RELEVANCE: best search match first (a search must be given), ties by id. */
  orderBy: CourseOrder | { field: 'RELEVANCE' };
  limit: number;
  after: CourseCursor | null;
}

export interface CoursePage {
  /** Up to limit + 1 rows: the extra one only tells that a next page exists. */
  rows: (Course & { cursor_key: string })[];
  totalCount: number;
  hasPreviousPage: boolean;
}

/** Every column of a Course row (all of them: the compiler checks the list against the table). */
export const COURSE_COLUMNS = columnList<Course>()([
  'id', 'slug', 'title', 'summary', 'description', 'level', 'language', 'duration_minutes', 'status',
  'certificate_validity_months', 'author_id', 'enrollment_count', 'completed_count', 'published_at', 'created_at', 'updated_at',
]);

/** Those columns of the alias `c`, as a select list. */
export const COURSE_SELECT = selectList('c', COURSE_COLUMNS);

/** A course column of the alias `c` that the statements below use. */
const column = (name: keyof Course & string) => sql.ref(`c.${name}`);

const SORT_KEYS: Record<CourseOrderField, { expression: RawBuilder<unknown>; type: string }> = {
  TITLE: { expression: column('title'), type: 'text' },
  PUBLISHED_AT: { expression: sql`coalesce(${column('published_at')}, '-infinity'::timestamptz)`, type: 'timestamptz' },
  ENROLLMENT_COUNT: { expression: column('enrollment_count'), type: 'integer' },
};

/**
 * The search as a query in the course's own language (stemmed) or as typed (simple), so a word
 * matches either way; a search of stop words or punctuation only is an empty query and matches
 * nothing.
 */
const searchQuery = (search: string) =>
  sql`(websearch_to_tsquery(learning.lang_config(${column('language')}), ${search}) || websearch_to_tsquery('simple', ${search}))`;

/**
 * One page of courses, the exact total over all pages and whether earlier rows exist, in a
 * single statement whatever the page size.
 */
export async function findCoursePage(db: Kysely<LearningDatabase>, query: CoursePageQuery): Promise<CoursePage> {
  const { filter, orderBy, limit, after } = query;
  if (orderBy.field === 'RELEVANCE' && !filter.search) throw new Error('A relevance order needs a search.');
  // ts_rank weighs the title (A) above the summary (B) above the description (C).
  const sort = orderBy.field === 'RELEVANCE'
    ? { expression: sql`ts_rank(${sql.ref('c.search')}, ${searchQuery(filter.search!)})`, type: 'real' }
    : SORT_KEYS[orderBy.field];
  const sortKey = sort.expression;
  const conditions = [sql`c.status = ANY(${filter.statuses}::text[])`];
  if (filter.search) {
    // The query in every language first: a constant the GIN index answers; then the course's own.
    conditions.push(sql`${sql.ref('c.search')} @@ learning.search_any_language(${filter.search})`);
    conditions.push(sql`${sql.ref('c.search')} @@ ${searchQuery(filter.search)}`);
  }
  if (filter.level) conditions.push(sql`c.level = ${filter.level}`);
  if (filter.language) conditions.push(sql`c.language = ${filter.language}`);
  if (filter.topicId) {
    conditions.push(sql`EXISTS (SELECT 1 FROM learning.course_topics ct WHERE ct.course_id = c.id AND ct.topic_id = ${filter.topicId})`);
  }
  if (filter.isFree != null) {
    const priced = sql`EXISTS (SELECT 1 FROM learning.course_prices p WHERE p.course_id = c.id AND p.amount_minor IS NOT NULL)`;
    conditions.push(filter.isFree ? sql`NOT ${priced}` : priced);
  }
  const page = await keysetPage<Course & { sort_key: unknown; cursor_key: string }>(db, {
    filtered: sql`
      SELECT ${COURSE_SELECT}, ${sortKey} AS sort_key, (${sortKey})::text AS cursor_key
      FROM learning.courses c
      WHERE ${sql.join(conditions, sql` AND `)}`,
    sortColumn: 'sort_key',
    descending: orderBy.field === 'RELEVANCE' || orderBy.direction === 'DESC',
    after: after ? sql`(${after[0]}::${sql.raw(sort.type)}, ${after[1]}::uuid)` : null,
    limit,
  });
  return { ...page, rows: page.rows.map(({ sort_key: _s, ...row }) => row) };
}

export async function findCoursesByIds(db: Kysely<LearningDatabase>, ids: readonly string[]): Promise<Course[]> {
  return db
    .selectFrom('learning.courses')
    .select(COURSE_COLUMNS)
    .where('id', '=', sql<string>`ANY(${ids}::uuid[])`)
    .execute();
}

export async function findCourseIdBySlug(db: Kysely<LearningDatabase>, slug: string): Promise<string | null> {
  const row = await db.selectFrom('learning.courses').select('id').where('slug', '=', slug).executeTakeFirst();
  return row?.id ?? null;
}

/** Number of lessons of each course, by course id. */
export async function countLessonsByCourse(
  db: Kysely<LearningDatabase>,
  courseIds: readonly string[],
): Promise<{ course_id: string; lesson_count: number }[]> {
  return db
    .selectFrom('learning.modules as m')
    .innerJoin('learning.lessons as l', 'l.module_id', 'm.id')
    .select(['m.course_id', sql<number>`count(*)::int`.as('lesson_count')])
    .where('m.course_id', '=', sql<string>`ANY(${courseIds}::uuid[])`)
    .groupBy('m.course_id')
    .execute();
}

/**
 * The first page (by title) of published courses of each topic, with each topic's exact total,
 * in one statement for any number of topics.
 */
export async function findFirstCoursePageOfTopics(
  db: Kysely<LearningDatabase>,
  topicIds: readonly string[],
  limit: number,
): Promise<{ topicId: string; totalCount: number; rows: (Course & { cursor_key: string })[] }[]> {
  const result = await sql<Course & { topic_id: string; total_count: number; cursor_key: string }>`
    SELECT k.id AS topic_id,
      (SELECT count(*) FROM learning.course_topics ct JOIN learning.courses c ON c.id = ct.course_id
        WHERE ct.topic_id = k.id AND c.status = 'PUBLISHED')::int AS total_count,
      page.*
    FROM unnest(${topicIds}::uuid[]) AS k(id)
    LEFT JOIN LATERAL (
      SELECT ${COURSE_SELECT}, c.title::text AS cursor_key
      FROM learning.course_topics ct JOIN learning.courses c ON c.id = ct.course_id
      WHERE ct.topic_id = k.id AND c.status = 'PUBLISHED'
      ORDER BY c.title, c.id
      LIMIT ${limit + 1}
    ) page ON true
    ORDER BY k.id, page.title, page.id`.execute(db);
  const byTopic = new Map<string, { topicId: string; totalCount: number; rows: (Course & { cursor_key: string })[] }>();
  for (const { topic_id, total_count, ...row } of result.rows) {
    let entry = byTopic.get(topic_id);
    if (!entry) byTopic.set(topic_id, (entry = { topicId: topic_id, totalCount: total_count, rows: [] }));
    if (row.id !== null) entry.rows.push(row);
  }
  return [...byTopic.values()];
}

/** The slugs that are `base` or `base-N`, except that of `exceptCourseId`. */
export async function findSlugsLike(db: Kysely<LearningDatabase>, base: string, exceptCourseId?: string): Promise<string[]> {
  let query = db
    .selectFrom('learning.courses')
    .select('slug')
    .where('slug', '~', `^${base}(-[0-9]{1,9})?$`);
  if (exceptCourseId) query = query.where('id', '<>', exceptCourseId);
  return (await query.execute()).map((row) => row.slug);
}
