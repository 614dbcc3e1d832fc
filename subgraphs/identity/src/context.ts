import type { AuthContext, Logger, RequestCaller } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { IdentitySettings } from './config.js';
import type { IdentityDatabase } from './db/database.js';
import { createLoaders, type Loaders } from './loaders/index.js';
import type { SigningKeyStore } from './security/signing-keys.js';

/** What lives as long as the process and every request may use. */
export interface IdentityServices {
  settings: Readonly<IdentitySettings>;
  keys: SigningKeyStore;
  /** Wakes the mail worker after a transaction that queued e-mail committed. */
  mail: { wake(): void };
}

/** What every resolver of this subgraph receives, built anew for each request. */
export interface IdentityContext extends AuthContext {
  db: Kysely<IdentityDatabase>;
  loaders: Loaders;
  logger: Logger;
  services: IdentityServices;
  /**
   * Users who proved who they are in this request (signUp, logIn, refreshSession): the payload
   * they get back may show them their own private fields, though the request came without a
   * viewer.
   */
  signedInUserIds: Set<string>;
}

export function createContext(db: Kysely<IdentityDatabase>, caller: RequestCaller, logger: Logger, services: IdentityServices): IdentityContext {
  return { db, viewer: caller.viewer, caller, loaders: createLoaders(db), logger, services, signedInUserIds: new Set() };
}
