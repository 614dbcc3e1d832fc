import { DateTime } from '@academy/service-kit';
import type { Resolvers } from '../generated/graphql.js';
import { AttendanceRecord } from './AttendanceRecord.js';
import { CoachingSession } from './CoachingSession.js';
import { Course } from './Course.js';
import { Event } from './Event.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';
import { SessionTopic } from './SessionTopic.js';
import { Registration } from './Registration.js';
import { SpecialRequirement } from './SpecialRequirement.js';
import { Trainer } from './Trainer.js';
import { TrainerQualification } from './TrainerQualification.js';
import { TrainerTimeOff } from './TrainerTimeOff.js';
import { TrainingSession } from './TrainingSession.js';
import { User } from './User.js';
import { Venue } from './Venue.js';
import { WorkingHours } from './WorkingHours.js';

export const resolvers: Resolvers = {
  DateTime,
  Query,
  Mutation,
  Course,
  Venue,
  Trainer,
  TrainingSession,
  Event,
  User,
  SessionTopic,
  TrainerQualification,
  TrainerTimeOff,
  CoachingSession,
  WorkingHours,
  Registration,
  AttendanceRecord,
  SpecialRequirement,
};
