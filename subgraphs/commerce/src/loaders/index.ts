import { keyedLoader } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { CommerceDatabase } from '../db/database.js';
import { findCoursePrices } from '../repositories/price.repository.js';

/** The per-request DataLoaders of the commerce subgraph. */
export function createLoaders(db: Kysely<CommerceDatabase>) {
  return {
    priceByCourse: keyedLoader((ids: readonly string[]) => findCoursePrices(db, ids), (p) => p.course_id),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
