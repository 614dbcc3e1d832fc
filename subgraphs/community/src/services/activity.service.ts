import { checkFigureRequest, requireRole, withheldSeries, type FigureRequest } from '@academy/service-kit';
import type { CommunityContext } from '../context.js';
import type { Granularity, TimeRange, TimeSeries } from '../generated/graphql.js';
import { countMessagesPerBucket, countPostActivityPerBucket } from '../repositories/activity.repository.js';

type FigureArgs = { range: TimeRange; granularity: Granularity; timeZone?: string | null };

/** The checked range, bucket unit and zone of a figure, for ANALYST and ADMIN; BAD_USER_INPUT for a range backwards or too long, or an unknown zone. */
function figureOf(ctx: CommunityContext, args: FigureArgs): FigureRequest {
  requireRole(ctx, 'ANALYST', 'ADMIN');
  return checkFigureRequest(args);
}

/** Chat messages sent per bucket (ANALYST, ADMIN); a bucket of fewer distinct senders than the minimum group size is withheld. */
export async function chatActivity(ctx: CommunityContext, args: FigureArgs): Promise<TimeSeries> {
  const rows = await countMessagesPerBucket(ctx.figuresDb, figureOf(ctx, args));
  return withheldSeries('messages', rows, ctx.minGroupSize);
}

/**
 * Posts, comments and reactions per bucket (ANALYST, ADMIN), read in one statement. Each series
 * withholds by the users it counts: posts by their authors, comments by theirs, reactions by
 * the users reacting.
 */
export async function postActivity(ctx: CommunityContext, args: FigureArgs) {
  const rows = await countPostActivityPerBucket(ctx.figuresDb, figureOf(ctx, args));
  const { minGroupSize } = ctx;
  return {
    posts: withheldSeries('posts', rows.map((r) => ({ bucket: r.bucket, value: r.posts, users: r.authors })), minGroupSize),
    comments: withheldSeries('comments', rows.map((r) => ({ bucket: r.bucket, value: r.comments, users: r.commenters })), minGroupSize),
    reactions: withheldSeries('reactions', rows.map((r) => ({ bucket: r.bucket, value: r.reactions, users: r.reactors })), minGroupSize),
  };
}
