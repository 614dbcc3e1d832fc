import { sql, type Kysely } from 'kysely';

// Reordering shifts a run of positions in one UPDATE; a deferrable unique constraint is checked
// at the end of the statement rather than row by row, so the shift does not collide with itself.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE learning.modules DROP CONSTRAINT modules_course_position_key,
    ADD CONSTRAINT modules_course_position_key UNIQUE (course_id, position) DEFERRABLE INITIALLY IMMEDIATE`.execute(db);
  await sql`ALTER TABLE learning.lessons DROP CONSTRAINT lessons_module_position_key,
    ADD CONSTRAINT lessons_module_position_key UNIQUE (module_id, position) DEFERRABLE INITIALLY IMMEDIATE`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE learning.modules DROP CONSTRAINT modules_course_position_key,
    ADD CONSTRAINT modules_course_position_key UNIQUE (course_id, position)`.execute(db);
  await sql`ALTER TABLE learning.lessons DROP CONSTRAINT lessons_module_position_key,
    ADD CONSTRAINT lessons_module_position_key UNIQUE (module_id, position)`.execute(db);
}
