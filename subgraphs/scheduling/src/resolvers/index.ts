import { DateTime } from '@academy/service-kit';
import type { Resolvers } from '../generated/graphql.js';
import { Course } from './Course.js';
import { Query } from './Query.js';
import { Trainer } from './Trainer.js';
import { TrainingSession } from './TrainingSession.js';
import { Venue } from './Venue.js';

export const resolvers: Resolvers = { DateTime, Query, Course, Venue, Trainer, TrainingSession };
