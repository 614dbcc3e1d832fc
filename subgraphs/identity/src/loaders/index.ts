import { keyedLoader } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { IdentityDatabase } from '../db/database.js';
import { findUsersByIds } from '../repositories/user.repository.js';

/** The per-request DataLoaders of the identity subgraph. */
export function createLoaders(db: Kysely<IdentityDatabase>) {
  return {
    userById: keyedLoader((ids: readonly string[]) => findUsersByIds(db, ids), (u) => u.id),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
