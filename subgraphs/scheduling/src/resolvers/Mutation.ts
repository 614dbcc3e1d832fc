import type { MutationResolvers } from '../generated/graphql.js';
import { checkIn, recordAttendance } from '../services/attendance.service.js';
import { bookCoachingSession, cancelCoachingSession, markCoachingNoShow } from '../services/coaching.service.js';
import { createEvent } from '../services/event.service.js';
import { cancelRegistration, registerForSession } from '../services/registration.service.js';
import { submitSessionFeedback } from '../services/session-feedback.service.js';
import { addTrainerTimeOff, removeTrainerTimeOff } from '../services/trainer-time-off.service.js';
import { createTrainerProfile } from '../services/trainer.service.js';
import { cancelTrainingSession, scheduleTrainingSession } from '../services/training-session.service.js';
import { createVenue } from '../services/venue.service.js';
import { setTrainerWorkingHours } from '../services/working-hours.service.js';

export const Mutation: MutationResolvers = {
  createVenue: (_, args, ctx) => createVenue(ctx, args.input),
  createTrainerProfile: (_, args, ctx) => createTrainerProfile(ctx, args),
  scheduleTrainingSession: (_, args, ctx) => scheduleTrainingSession(ctx, args.input),
  cancelTrainingSession: (_, args, ctx) => cancelTrainingSession(ctx, args),
  createEvent: (_, args, ctx) => createEvent(ctx, args.input),
  bookCoachingSession: (_, args, ctx) => bookCoachingSession(ctx, args),
  cancelCoachingSession: (_, args, ctx) => cancelCoachingSession(ctx, args),
  markCoachingNoShow: (_, args, ctx) => markCoachingNoShow(ctx, args),
  addTrainerTimeOff: (_, args, ctx) => addTrainerTimeOff(ctx, args),
  removeTrainerTimeOff: (_, args, ctx) => removeTrainerTimeOff(ctx, args),
  submitSessionFeedback: (_, args, ctx) => submitSessionFeedback(ctx, args),
  setTrainerWorkingHours: (_, args, ctx) => setTrainerWorkingHours(ctx, args),
  registerForSession: (_, args, ctx) => registerForSession(ctx, args),
  cancelRegistration: (_, args, ctx) => cancelRegistration(ctx, args),
  checkIn: (_, args, ctx) => checkIn(ctx, args),
  recordAttendance: (_, args, ctx) => recordAttendance(ctx, args),
};
