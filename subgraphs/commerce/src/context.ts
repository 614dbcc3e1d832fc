import type { AuthContext, Logger, RequestCaller } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { CommerceDatabase } from './db/database.js';
import { createLoaders, type Loaders } from './loaders/index.js';
import type { PaymentProvider } from './payments/payment-provider.js';
import type { RefundPolicy } from './services/refund-policy.js';

/** What every resolver of this subgraph receives, built anew for each request. */
export interface CommerceContext extends AuthContext {
  db: Kysely<CommerceDatabase>;
  /** The analyst figures' reads (read-only): the analytics read replica when one is set, else `db`. */
  figuresDb: Kysely<CommerceDatabase>;
  loaders: Loaders;
  logger: Logger;
  /** The payment provider orders are paid and refunds paid back through. */
  payments: PaymentProvider;
  /** The refund window and fee in force. */
  refundPolicy: RefundPolicy;
  /** Below this many distinct paying customers a figure is withheld (MIN_GROUP_SIZE). */
  minGroupSize: number;
}

/** A request's context; `databases.figures` serves the analyst figures (see `Database.figures`). */
export function createContext(
  databases: { db: Kysely<CommerceDatabase>; figures: Kysely<CommerceDatabase> },
  caller: RequestCaller,
  logger: Logger,
  services: { payments: PaymentProvider; refundPolicy: RefundPolicy; minGroupSize: number },
): CommerceContext {
  const { db } = databases;
  return { db, figuresDb: databases.figures, viewer: caller.viewer, caller, loaders: createLoaders(db), logger, ...services };
}
