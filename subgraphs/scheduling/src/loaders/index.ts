import { DataLoader, keyedLoader } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { SchedulingDatabase } from '../db/database.js';
import { findTrainersByIds } from '../repositories/trainer.repository.js';
import {
  findSessionsByIds,
  findUpcomingSessions,
  type SessionOwner,
  type SessionWithVenue,
} from '../repositories/training-session.repository.js';
import { findVenuesByIds } from '../repositories/venue.repository.js';

/** The per-request DataLoaders of the scheduling subgraph. */
export function createLoaders(db: Kysely<SchedulingDatabase>) {
  const venueById = keyedLoader((ids: readonly string[]) => findVenuesByIds(db, ids), (v) => v.id);

  /** Upcoming sessions keyed by owner id and page size; one statement per distinct page size. */
  const upcomingSessions = (owner: SessionOwner) =>
    new DataLoader<string, SessionWithVenue[], string>(async (keys) => {
      const bySize = new Map<number, string[]>();
      for (const key of keys) {
        const [id, size] = key.split('|') as [string, string];
        const ids = bySize.get(Number(size)) ?? [];
        ids.push(id);
        bySize.set(Number(size), ids);
      }
      const found = new Map<string, SessionWithVenue[]>();
      await Promise.all(
        [...bySize].map(async ([size, ids]) => {
          for (const row of await findUpcomingSessions(db, owner, ids, size)) {
            if (row.venue) venueById.prime(row.venue.id, row.venue);
            const key = `${row.owner_id}|${size}`;
            const list = found.get(key) ?? [];
            list.push(row);
            found.set(key, list);
          }
        }),
      );
      return keys.map((key) => found.get(key) ?? []);
    });

  return {
    venueById,
    trainerById: keyedLoader((ids: readonly string[]) => findTrainersByIds(db, ids), (t) => t.id),
    sessionById: keyedLoader((ids: readonly string[]) => findSessionsByIds(db, ids), (s) => s.id),
    upcomingByCourse: upcomingSessions('course'),
    upcomingByVenue: upcomingSessions('venue'),
    upcomingByTrainer: upcomingSessions('trainer'),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
