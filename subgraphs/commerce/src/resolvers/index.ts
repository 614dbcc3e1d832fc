import { DateTime } from '@academy/service-kit';
import type { Resolvers } from '../generated/graphql.js';
import { Course } from './Course.js';
import { CourseRevenue } from './CourseRevenue.js';
import { DiscountCode } from './DiscountCode.js';
import { Event } from './Event.js';
import { Invoice } from './Invoice.js';
import { InvoiceLine } from './InvoiceLine.js';
import { Money } from './Money.js';
import { Mutation } from './Mutation.js';
import { Order } from './Order.js';
import { OrderItem } from './OrderItem.js';
import { Payment } from './Payment.js';
import { Query } from './Query.js';
import { Refund } from './Refund.js';
import { Registration } from './Registration.js';
import { Ticket } from './Ticket.js';
import { TicketType } from './TicketType.js';
import { TrainingSession } from './TrainingSession.js';
import { User } from './User.js';

export const resolvers: Resolvers = {
  DateTime,
  Course,
  CourseRevenue,
  DiscountCode,
  Event,
  Invoice,
  InvoiceLine,
  Money,
  Mutation,
  Order,
  OrderItem,
  Payment,
  Query,
  Refund,
  Registration,
  Ticket,
  TicketType,
  TrainingSession,
  User,
};
