import type { EntityReference } from '@academy/service-kit';
import type { Selectable } from 'kysely';
import type {
  CommerceDiscountCodes,
  CommerceInvoices,
  CommerceOrderItems,
  CommerceOrders,
  CommercePayments,
  CommercePrices,
  CommerceRefunds,
  CommerceSeatHolds,
  CommerceTicketTypes,
  CommerceTickets,
  DB,
} from '../generated/tables.js';

/** The commerce subgraph's tables (its own schema only), as the migrations build them. */
export type CommerceDatabase = DB;

export type Price = Selectable<CommercePrices>;
/** The price of a course (not of one session). */
export type CoursePrice = Price & { course_id: string };
/** A sum of money as rows hold it: minor units and an ISO 4217 code. */
export interface Amount {
  amount_minor: number;
  currency: string;
}
/** A course of the learning subgraph, referred to by id: commerce only adds its price. */
export type CourseReference = EntityReference<'Course'>;
/** A training session of scheduling, with its course's id (federation's @requires brings it). */
export type TrainingSessionReference = EntityReference<'TrainingSession'> & { course?: { id: string } | null };
/** A registration of scheduling, referred to by id. */
export type RegistrationReference = EntityReference<'Registration'>;
/** An event of scheduling, referred to by id. */
export type EventReference = EntityReference<'Event'>;
/** A user of identity, referred to by id. */
export type UserReference = EntityReference<'User'>;

export type Order = Selectable<CommerceOrders>;
export type OrderItem = Selectable<CommerceOrderItems>;
export type DiscountCode = Selectable<CommerceDiscountCodes>;
export type TicketType = Selectable<CommerceTicketTypes>;
/** An issued ticket (see services/ticket-issue.service.ts). */
export type Ticket = Selectable<CommerceTickets>;
/** Commerce's copy of a seat held by scheduling for payment (from RegistrationHeld and later events). */
export type SeatHold = Selectable<CommerceSeatHolds>;

/** One attempt to pay an order through a provider. */
export type Payment = Selectable<CommercePayments>;
/** The invoice of a paid order. */
export type Invoice = Selectable<CommerceInvoices>;
/** One line of an invoice as stored (in invoices.lines): the order item when the order was paid. */
export interface InvoiceLineRecord {
  description: string;
  quantity: number;
  unitPriceMinor: number;
  totalMinor: number;
  currency: string;
}
/** A refund of (part of) an order. */
export type Refund = Selectable<CommerceRefunds>;
/** One course's line of revenueByCourse. */
export interface CourseRevenue {
  course_id: string;
  orders: number;
  revenue: Amount;
  /** Fewer distinct customers than the minimum group size: orders and revenue are 0. */
  withheld: boolean;
}

/** A priced basket as quote answers it. */
export interface Quote {
  subtotal: Amount;
  discount: Amount;
  total: Amount;
  discountCode: string | null;
  discountError: string | null;
}

