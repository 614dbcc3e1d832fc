import type { AuthContext, Logger, RequestCaller } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { CommerceDatabase } from './db/database.js';
import { createLoaders, type Loaders } from './loaders/index.js';
import type { PaymentProvider } from './payments/payment-provider.js';

/** What every resolver of this subgraph receives, built anew for each request. */
export interface CommerceContext extends AuthContext {
  db: Kysely<CommerceDatabase>;
  loaders: Loaders;
  logger: Logger;
  /** The payment provider orders are paid through. */
  payments: PaymentProvider;
}

export function createContext(db: Kysely<CommerceDatabase>, caller: RequestCaller, logger: Logger, payments: PaymentProvider): CommerceContext {
  return { db, viewer: caller.viewer, caller, loaders: createLoaders(db), logger, payments };
}
