import { sql, type Kysely } from 'kysely';
import { createEventTables } from '../shared/2026-11-22-events.js';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE learning.topics (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
      description text,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT topics_name_key UNIQUE (name)
    )`.execute(db);
  await sql`
    CREATE TABLE learning.courses (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      summary text,
      description text,
      level text NOT NULL CHECK (level IN ('BEGINNER','INTERMEDIATE','ADVANCED')),
      language text NOT NULL,
      duration_minutes integer CHECK (duration_minutes > 0),
      status text NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT','PUBLISHED','ARCHIVED')),
      certificate_validity_months integer CHECK (certificate_validity_months > 0),
      author_id uuid,
      enrollment_count integer NOT NULL DEFAULT 0 CHECK (enrollment_count >= 0),
      completed_count integer NOT NULL DEFAULT 0 CHECK (completed_count >= 0),
      published_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(summary, '')), 'B') ||
        setweight(to_tsvector('simple', coalesce(description, '')), 'C')
      ) STORED,
      CONSTRAINT courses_slug_key UNIQUE (slug)
    )`.execute(db);
  await sql`CREATE INDEX courses_search_idx ON learning.courses USING gin (search)`.execute(db);
  await sql`CREATE INDEX courses_status_title_idx ON learning.courses (status, title, id)`.execute(db);
  await sql`CREATE INDEX courses_status_published_idx ON learning.courses (status, published_at, id)`.execute(db);
  await sql`CREATE INDEX courses_status_enrollments_idx ON learning.courses (status, enrollment_count, id)`.execute(db);
  await sql`CREATE INDEX courses_author_idx ON learning.courses (author_id)`.execute(db);
  await sql`
    CREATE TABLE learning.course_topics (
      course_id uuid NOT NULL REFERENCES learning.courses (id) ON DELETE CASCADE,
      topic_id uuid NOT NULL REFERENCES learning.topics (id) ON DELETE CASCADE,
      PRIMARY KEY (course_id, topic_id)
    )`.execute(db);
  await sql`CREATE INDEX course_topics_topic_idx ON learning.course_topics (topic_id, course_id)`.execute(db);
  await sql`
    CREATE TABLE learning.modules (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      course_id uuid NOT NULL REFERENCES learning.courses (id) ON DELETE CASCADE,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      position integer NOT NULL CHECK (position >= 1),
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT modules_course_position_key UNIQUE (course_id, position)
    )`.execute(db);
  await sql`
    CREATE TABLE learning.lessons (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      module_id uuid NOT NULL REFERENCES learning.modules (id) ON DELETE CASCADE,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      kind text NOT NULL CHECK (kind IN ('TEXT','VIDEO','QUIZ','LIVE')),
      position integer NOT NULL CHECK (position >= 1),
      duration_minutes integer CHECK (duration_minutes > 0),
      body text,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT lessons_module_position_key UNIQUE (module_id, position)
    )`.execute(db);
  await sql`
    CREATE TABLE learning.enrollments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL,
      course_id uuid NOT NULL REFERENCES learning.courses (id) ON DELETE RESTRICT,
      status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE','COMPLETED','CANCELLED')),
      progress_percent integer NOT NULL DEFAULT 0 CHECK (progress_percent BETWEEN 0 AND 100),
      enrolled_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz,
      CONSTRAINT enrollments_user_course_key UNIQUE (user_id, course_id)
    )`.execute(db);
  await sql`CREATE INDEX enrollments_course_idx ON learning.enrollments (course_id, enrolled_at)`.execute(db);
  // recorded_at is when the device recorded the progress (possibly offline): the later one wins.
  await sql`
    CREATE TABLE learning.lesson_progress (
      user_id uuid NOT NULL,
      lesson_id uuid NOT NULL REFERENCES learning.lessons (id) ON DELETE CASCADE,
      progress_percent integer NOT NULL CHECK (progress_percent BETWEEN 0 AND 100),
      completed_at timestamptz,
      recorded_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, lesson_id)
    )`.execute(db);
  await createEventTables(db, 'learning', ['ai_analytics', 'community', 'commerce']);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP SCHEMA learning_events CASCADE`.execute(db);
  await sql`DROP TABLE learning.processed_events, learning.event_checkpoints, learning.outbox, learning.lesson_progress, learning.enrollments,
    learning.lessons, learning.modules, learning.course_topics, learning.courses, learning.topics`.execute(db);
}
