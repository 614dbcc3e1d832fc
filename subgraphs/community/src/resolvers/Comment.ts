import type { CommentResolvers } from '../generated/graphql.js';
import { parentOfComment, postOfComment, repliesOf } from '../services/comment.service.js';

export const Comment: CommentResolvers = {
  author: (c) => ({ __typename: 'User', id: c.author_id }),
  content: (c) => (c.deleted_at ? '' : c.content),
  createdAt: (c) => c.created_at,
  editedAt: (c) => c.edited_at,
  deleted: (c) => c.deleted_at !== null,
  post: (c, _, ctx) => postOfComment(ctx, c),
  parent: (c, _, ctx) => parentOfComment(ctx, c),
  replies: (c, args, ctx) => repliesOf(ctx, c, args),
};
