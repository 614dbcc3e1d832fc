import type { RegistrationResolvers } from '../generated/graphql.js';
import { checkInQrSvg } from '../services/check-in-qr.service.js';
import { checkInCode, holdExpiresAt, referredBy, specialRequirements } from '../services/registration.service.js';

export const Registration: RegistrationResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.registrationById.load(ref.id),
  session: (r, _, ctx) => ctx.loaders.sessionById.load(r.session_id).then((s) => s!),
  user: (r) => ({ __typename: 'User', id: r.user_id }),
  holdExpiresAt: (r) => holdExpiresAt(r),
  createdAt: (r) => r.created_at,
  checkInCode: (r, _, ctx) => checkInCode(ctx, r),
  checkInQrSvg: (r, _, ctx) => checkInQrSvg(ctx, r),
  attendance: (r, _, ctx) => ctx.loaders.attendanceOfRegistration.load(r.id),
  referredBy: (r, _, ctx) => referredBy(ctx, r),
  specialRequirements: (r, _, ctx) => specialRequirements(ctx, r),
};
