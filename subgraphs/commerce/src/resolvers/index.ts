import { DateTime } from '@academy/service-kit';
import type { Resolvers } from '../generated/graphql.js';
import { Course } from './Course.js';
import { CourseRevenue } from './CourseRevenue.js';
import { DiscountCode } from './DiscountCode.js';
import { Event } from './Event.js';
import { Money } from './Money.js';
import { Mutation } from './Mutation.js';
import { Order } from './Order.js';
import { OrderItem } from './OrderItem.js';
import { Query } from './Query.js';
import { Refund } from './Refund.js';
import { Registration } from './Registration.js';
import { TicketType } from './TicketType.js';
import { TrainingSession } from './TrainingSession.js';
import { User } from './User.js';

export const resolvers: Resolvers = {
  DateTime,
  Course,
  CourseRevenue,
  DiscountCode,
  Event,
  Money,
  Mutation,
  Order,
  OrderItem,
  Query,
  Refund,
  Registration,
  TicketType,
  TrainingSession,
  User,
};
