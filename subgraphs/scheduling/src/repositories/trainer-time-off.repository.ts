import { sql, type Insertable, type Kysely } from 'kysely';
import type { SchedulingDatabase, TrainerTimeOff } from '../db/database.js';
import type { SchedulingTrainerTimeOff } from '../generated/tables.js';

/** Records a span of a trainer's time off. */
export async function insertTimeOff(trx: Kysely<SchedulingDatabase>, row: Insertable<SchedulingTrainerTimeOff>): Promise<TrainerTimeOff> {
  return trx.insertInto('scheduling.trainer_time_off').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The time off, locked until the transaction ends. */
export async function lockTimeOff(trx: Kysely<SchedulingDatabase>, id: string): Promise<TrainerTimeOff | undefined> {
  return trx.selectFrom('scheduling.trainer_time_off').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Removes a span of time off (the time is bookable again). */
export async function deleteTimeOff(trx: Kysely<SchedulingDatabase>, id: string): Promise<void> {
  await trx.deleteFrom('scheduling.trainer_time_off').where('id', '=', id).execute();
}

/** Each trainer's time off that has not ended, soonest first, in one statement. */
export async function findCurrentTimeOffOfTrainers(db: Kysely<SchedulingDatabase>, trainerIds: readonly string[]): Promise<TrainerTimeOff[]> {
  return db
    .selectFrom('scheduling.trainer_time_off')
    .selectAll()
    .where('trainer_id', '=', sql<string>`ANY(${trainerIds}::uuid[])`)
    .where('ends_at', '>', sql<Date>`now()`)
    .orderBy('trainer_id')
    .orderBy('starts_at')
    .orderBy('id')
    .execute();
}

/** Whether any of the trainer's time off overlaps [from, to). */
export async function hasTimeOffBetween(db: Kysely<SchedulingDatabase>, trainerId: string, from: Date, to: Date): Promise<boolean> {
  const row = await db
    .selectFrom('scheduling.trainer_time_off')
    .select('id')
    .where('trainer_id', '=', trainerId)
    .where('starts_at', '<', to)
    .where('ends_at', '>', from)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
