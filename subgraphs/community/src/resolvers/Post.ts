import type { PostResolvers } from '../generated/graphql.js';
import { commentsOfPost, roomOfPost } from '../services/post.service.js';

// A post reaches its fields only once the viewer may read it (see findPost, feed, the mutations).
export const Post: PostResolvers = {
  author: (p) => ({ __typename: 'User', id: p.author_id }),
  room: (p, _, ctx) => roomOfPost(ctx, p),
  createdAt: (p) => p.created_at,
  editedAt: (p) => p.edited_at,
  comments: (p, args, ctx) => commentsOfPost(ctx, p, args),
  commentCount: (p, _, ctx) => ctx.loaders.commentCountByPost.load(p.id),
  reactions: (p, _, ctx) => ctx.loaders.reactionsByPost.load(p.id),
  viewerReaction: (p, _, ctx) => ctx.loaders.viewerReactionByPost.load(p.id),
};
