import { DateTime } from '@academy/service-kit';
import type { Resolvers } from '../generated/graphql.js';
import { AttendanceRecord } from './AttendanceRecord.js';
import { Course } from './Course.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';
import { Registration } from './Registration.js';
import { SpecialRequirement } from './SpecialRequirement.js';
import { Trainer } from './Trainer.js';
import { TrainingSession } from './TrainingSession.js';
import { User } from './User.js';
import { Venue } from './Venue.js';

export const resolvers: Resolvers = {
  DateTime,
  Query,
  Mutation,
  Course,
  Venue,
  Trainer,
  TrainingSession,
  User,
  Registration,
  AttendanceRecord,
  SpecialRequirement,
};
