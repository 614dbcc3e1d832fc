import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Role } from '../generated/graphql.js';
import type { DB, IdentityAuditLog, IdentityEmailOutbox, IdentityRefreshTokens, IdentityUsers } from '../generated/tables.js';

export type { Role } from '../generated/graphql.js';

/** The identity subgraph's tables (its own schema only), as the migrations build them. */
export type IdentityDatabase = DB;

/** Where an e-mail of the outbox stands (the column's CHECK). */
export type EmailStatus = 'pending' | 'sent' | 'failed';

/** A user as the API reads it: never the password hash. */
export type User = Omit<Selectable<IdentityUsers>, 'password_hash'> & { roles: Role[] };
export type NewUser = Insertable<IdentityUsers>;
export type UserUpdate = Updateable<IdentityUsers>;

export type RefreshToken = Selectable<IdentityRefreshTokens>;
export type EmailMessage = Selectable<IdentityEmailOutbox>;
export type AuditEntry = Selectable<IdentityAuditLog>;
