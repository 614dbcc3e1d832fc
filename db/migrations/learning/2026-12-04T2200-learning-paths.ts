import { sql, type Kysely } from 'kysely';

// A learning path is an ordered list of courses; positions are dense (1..n) and unique per path,
// deferrable so that a reorder can shift a run of them in one statement.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE learning.learning_paths (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      description text,
      level text CHECK (level IN ('BEGINNER','INTERMEDIATE','ADVANCED')),
      status text NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT','PUBLISHED','ARCHIVED')),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX learning_paths_status_name_idx ON learning.learning_paths (status, name, id)`.execute(db);
  await sql`
    CREATE TABLE learning.learning_path_courses (
      path_id uuid NOT NULL REFERENCES learning.learning_paths (id) ON DELETE CASCADE,
      course_id uuid NOT NULL REFERENCES learning.courses (id) ON DELETE CASCADE,
      position integer NOT NULL CHECK (position > 0),
      PRIMARY KEY (path_id, course_id),
      CONSTRAINT learning_path_courses_position_key UNIQUE (path_id, position) DEFERRABLE INITIALLY IMMEDIATE
    )`.execute(db);
  await sql`CREATE INDEX learning_path_courses_course_idx ON learning.learning_path_courses (course_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE learning.learning_path_courses`.execute(db);
  await sql`DROP TABLE learning.learning_paths`.execute(db);
}
