import { DateTime, JSONScalar } from '@academy/service-kit';
import type { Resolvers } from '../generated/graphql.js';
import { AiConversation } from './AiConversation.js';
import { AiMessage } from './AiMessage.js';
import { AiUsageDay } from './AiUsageDay.js';
import { AnalyticsReport } from './AnalyticsReport.js';
import { CoachingTip } from './CoachingTip.js';
import { Event } from './Event.js';
import { EventTask } from './EventTask.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';
import { Subscription } from './Subscription.js';
import { Topic } from './Topic.js';
import { TrainingSession } from './TrainingSession.js';
import { User } from './User.js';

export const resolvers: Resolvers = {
  DateTime,
  JSON: JSONScalar,
  Query,
  Mutation,
  Subscription,
  AiConversation,
  AiMessage,
  AiUsageDay,
  AnalyticsReport,
  CoachingTip,
  Event,
  EventTask,
  Topic,
  TrainingSession,
  User,
};
