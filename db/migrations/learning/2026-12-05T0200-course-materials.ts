import { sql, type Kysely } from 'kysely';

// Files and links that go with a course. Positions are dense (1..n) per course, the unique
// constraint deferrable so that a move or a removal shifts a run of them in one statement.
// Only https URLs are stored: a material is opened from the browser of a signed-in learner.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE learning.course_materials (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      course_id uuid NOT NULL REFERENCES learning.courses (id) ON DELETE CASCADE,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      description text CHECK (length(description) <= 2000),
      kind text NOT NULL CHECK (kind IN ('PDF','SLIDES','WORKSHEET','VIDEO','LINK','OTHER')),
      url text NOT NULL CHECK (url ~ '^https://' AND length(url) <= 2048),
      size_bytes integer CHECK (size_bytes >= 0),
      media_type text CHECK (length(media_type) <= 255),
      position integer NOT NULL CHECK (position > 0),
      version integer NOT NULL DEFAULT 1 CHECK (version > 0),
      visibility text NOT NULL DEFAULT 'ENROLLED' CHECK (visibility IN ('PUBLIC','ENROLLED')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT course_materials_course_position_key UNIQUE (course_id, position) DEFERRABLE INITIALLY IMMEDIATE
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE learning.course_materials`.execute(db);
}
