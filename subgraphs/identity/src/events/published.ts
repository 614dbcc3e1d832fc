// The domain events identity publishes through its outbox (identity.outbox, read by the other
// subgraphs' roles through identity_events.read_outbox). Personal data (e-mail, names) stays in
// identity: events carry ids, roles and times.
import { appendEvent } from '@academy/service-kit/events';
import type { Transaction } from 'kysely';
import type { IdentityDatabase, Role } from '../db/database.js';

/** The schema whose outbox identity's events go to. */
export const IDENTITY_EVENT_SOURCE = 'identity';

/** The payload of `UserRegistered`: an account was created (its aggregate id is the user id). */
export interface UserRegisteredPayload {
  userId: string;
  /** The roles the account started with. */
  roles: Role[];
  /** When the account was created, as an ISO 8601 timestamp. */
  registeredAt: string;
}

/**
 * Publishes `UserRegistered` in `trx`, the transaction that creates the user: the event
 * commits or rolls back with the account. Returns the event id.
 */
export function publishUserRegistered(
  trx: Transaction<IdentityDatabase>,
  user: { id: string; roles: readonly Role[]; createdAt: Date },
): Promise<string> {
  const payload: UserRegisteredPayload = { userId: user.id, roles: [...user.roles], registeredAt: user.createdAt.toISOString() };
  return appendEvent(trx, IDENTITY_EVENT_SOURCE, { type: 'UserRegistered', aggregateId: user.id, payload });
}
