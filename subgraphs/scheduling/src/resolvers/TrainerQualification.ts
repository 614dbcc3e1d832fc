import type { TrainerQualificationResolvers } from '../generated/graphql.js';

export const TrainerQualification: TrainerQualificationResolvers = {
  issuedAt: (q) => q.issued_at,
  expiresAt: (q) => q.expires_at,
};
