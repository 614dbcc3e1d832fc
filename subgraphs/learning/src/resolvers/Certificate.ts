import { loadRequired } from '@academy/service-kit';
import type { CertificateResolvers } from '../generated/graphql.js';
import { certificateStatus } from '../services/certificate.service.js';

export const Certificate: CertificateResolvers = {
  // Only a reference: the identity subgraph decides what of the learner anyone may see.
  user: (c) => ({ __typename: 'User', id: c.user_id }),
  course: (c, _, ctx) => loadRequired(ctx.loaders.courseById, c.course_id, 'course'),
  issuedAt: (c) => c.issued_at,
  expiresAt: (c) => c.expires_at,
  status: (c) => certificateStatus(c),
  verificationCode: (c) => c.verification_code,
};
