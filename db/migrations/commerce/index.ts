// The migrations of the commerce schema, in order. Add new ones at the end; never edit old ones.
import type { Migration } from 'kysely';
import * as m0 from './2026-11-22T0900-prices.js';
import * as m1 from './2026-12-05T1000-orders.js';
import * as m2 from './2026-12-05T1800-payments.js';
import * as m3 from './2026-12-05T1900-invoices.js';
import * as m4 from './2026-12-05T2000-refunds.js';
import * as m5 from './2026-12-05T2100-tickets.js';
import * as m6 from './2026-12-06T0300-outbox-traceparent.js';

export const migrations: Record<string, Migration> = {
  '2026-11-22T0900-prices': m0,
  '2026-12-05T1000-orders': m1,
  '2026-12-05T1800-payments': m2,
  '2026-12-05T1900-invoices': m3,
  '2026-12-05T2000-refunds': m4,
  '2026-12-05T2100-tickets': m5,
  '2026-12-06T0300-outbox-traceparent': m6,
};
