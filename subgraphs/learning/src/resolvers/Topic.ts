import { forwardPage, toConnection } from '@academy/service-kit';
import type { LearningContext } from '../context.js';
import type { Topic as TopicRow } from '../db/database.js';
import { courseConnection, isCatalogueCursor } from './Query.js';

export const Topic = {
  __resolveReference: (ref: { id: string }, ctx: LearningContext) => ctx.loaders.topicById.load(ref.id),
  /** First pages are batched across topics; later pages (with a cursor) are one topic's query. */
  async courses(t: TopicRow, args: { first?: number | null; after?: string | null }, ctx: LearningContext) {
    if (args.after) return courseConnection(ctx, { first: args.first, after: args.after, filter: { topicId: t.id } });
    const { limit } = forwardPage(args, isCatalogueCursor);
    const page = await ctx.loaders.firstCoursePageByTopic.load(`${t.id}|${limit}`);
    const rows = page?.rows ?? [];
    for (const row of rows) ctx.loaders.courseById.prime(row.id, row);
    return toConnection({
      rows,
      limit,
      totalCount: page?.totalCount ?? 0,
      hasPreviousPage: false,
      cursorOf: (row) => ['TITLE', 'ASC', row.cursor_key, row.id],
      nodeOf: (row) => row,
    });
  },
};
