import type { ContentReportResolvers } from '../generated/graphql.js';

// Reports reach resolvers only through ADMIN's list and the reporter's own mutations.
export const ContentReport: ContentReportResolvers = {
  contentId: (r) => r.content_id,
  reporter: (r) => ({ __typename: 'User', id: r.reporter_id }),
  createdAt: (r) => r.created_at,
  resolvedAt: (r) => r.resolved_at,
  resolvedBy: (r) => (r.resolved_by ? { __typename: 'User', id: r.resolved_by } : null),
};
