import { sql, type Kysely } from 'kysely';
import type { SchedulingDatabase, Trainer } from '../db/database.js';

export async function findActiveTrainers(db: Kysely<SchedulingDatabase>): Promise<Trainer[]> {
  return db.selectFrom('scheduling.trainers').selectAll().where('is_active', '=', true).orderBy('created_at').orderBy('id').execute();
}

export async function findTrainersByIds(db: Kysely<SchedulingDatabase>, ids: readonly string[]): Promise<Trainer[]> {
  return db.selectFrom('scheduling.trainers').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}
