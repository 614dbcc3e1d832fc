import type { MutationResolvers } from '../generated/graphql.js';
import { checkIn, recordAttendance } from '../services/attendance.service.js';
import { cancelRegistration, registerForSession } from '../services/registration.service.js';

export const Mutation: MutationResolvers = {
  registerForSession: (_, args, ctx) => registerForSession(ctx, args),
  cancelRegistration: (_, args, ctx) => cancelRegistration(ctx, args),
  checkIn: (_, args, ctx) => checkIn(ctx, args),
  recordAttendance: (_, args, ctx) => recordAttendance(ctx, args),
};
