import { defineLoaders, keyedLoader } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { IdentityDatabase } from '../db/database.js';
import { findUsersByIds } from '../repositories/user.repository.js';

/** The per-request DataLoaders of the identity subgraph. */
const makeLoaders = defineLoaders<{ db: Kysely<IdentityDatabase> }>()({
  userById: ({ db }) => keyedLoader((ids: readonly string[]) => findUsersByIds(db, ids), (u) => u.id),
});

export function createLoaders(db: Kysely<IdentityDatabase>) {
  return makeLoaders({ db });
}

export type Loaders = ReturnType<typeof createLoaders>;
