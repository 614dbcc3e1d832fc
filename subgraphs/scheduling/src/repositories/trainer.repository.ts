import { sql, type Insertable, type Kysely } from 'kysely';
import type { SchedulingDatabase, Trainer, TrainerQualification } from '../db/database.js';
import type { SchedulingTrainerQualifications, SchedulingTrainers } from '../generated/tables.js';

export async function findActiveTrainers(db: Kysely<SchedulingDatabase>): Promise<Trainer[]> {
  return db.selectFrom('scheduling.trainers').selectAll().where('is_active', '=', true).orderBy('created_at').orderBy('id').execute();
}

export async function findTrainersByIds(db: Kysely<SchedulingDatabase>, ids: readonly string[]): Promise<Trainer[]> {
  return db.selectFrom('scheduling.trainers').selectAll().where('id', '=', sql<string>`ANY(${ids}::uuid[])`).execute();
}

export async function findTrainersByUserIds(db: Kysely<SchedulingDatabase>, userIds: readonly string[]): Promise<Trainer[]> {
  return db.selectFrom('scheduling.trainers').selectAll().where('user_id', '=', sql<string>`ANY(${userIds}::uuid[])`).execute();
}

/** Inserts a trainer profile; a user who has one raises PostgreSQL's 23505 on trainers_user_key. */
export async function insertTrainer(db: Kysely<SchedulingDatabase>, values: Insertable<SchedulingTrainers>): Promise<Trainer> {
  return db.insertInto('scheduling.trainers').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function insertQualifications(
  db: Kysely<SchedulingDatabase>,
  rows: Insertable<SchedulingTrainerQualifications>[],
): Promise<void> {
  if (rows.length > 0) await db.insertInto('scheduling.trainer_qualifications').values(rows).execute();
}

/** The qualifications of many trainers, soonest to lapse first (those that never lapse last). */
export async function findQualificationsOfTrainers(db: Kysely<SchedulingDatabase>, trainerIds: readonly string[]): Promise<TrainerQualification[]> {
  return db
    .selectFrom('scheduling.trainer_qualifications')
    .selectAll()
    .where('trainer_id', '=', sql<string>`ANY(${trainerIds}::uuid[])`)
    .orderBy(sql`expires_at ASC NULLS LAST`)
    .orderBy('name')
    .orderBy('id')
    .execute();
}

/**
 * Serialises, until the transaction ends, every change to a trainer's calendar that must see
 * the others: scheduling a training session, booking coaching, taking time off. The key is
 * `hashtextextended('scheduling.trainer_calendar:' || trainer id, 0)`, a transaction-level
 * advisory lock, so a check made after taking it sees what the transaction before committed.
 */
export async function lockTrainerCalendar(trx: Kysely<SchedulingDatabase>, trainerId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended('scheduling.trainer_calendar:' || ${trainerId}::text, 0))`.execute(trx);
}
