import { sql, type Kysely } from 'kysely';

// Coaching tips for topics (reusable: one row per text, linked to any number of topics), the
// copies of other subgraphs' data that recommendations and event tasks need (filled from their
// domain events), co-enrollment similarity, and events' task lists.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE ai_analytics.coaching_tips (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      text text NOT NULL UNIQUE CHECK (length(text) BETWEEN 1 AND 1000),
      tone text NOT NULL CHECK (tone IN ('ENCOURAGING', 'DIRECT', 'PRACTICAL')),
      audience text NOT NULL CHECK (audience IN ('NEW_LEARNERS', 'EXPERIENCED_LEARNERS', 'MIXED')),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE ai_analytics.topic_coaching_tips (
      topic_id uuid NOT NULL,
      tip_id uuid NOT NULL REFERENCES ai_analytics.coaching_tips (id),
      linked_by uuid,
      linked_at timestamptz NOT NULL DEFAULT now(),
      -- The order tips were linked in, also within one statement.
      seq bigint GENERATED ALWAYS AS IDENTITY,
      PRIMARY KEY (topic_id, tip_id)
    )`.execute(db);
  await sql`CREATE INDEX topic_coaching_tips_tip_idx ON ai_analytics.topic_coaching_tips (tip_id)`.execute(db);
  await sql`CREATE INDEX topic_coaching_tips_topic_seq_idx ON ai_analytics.topic_coaching_tips (topic_id, seq)`.execute(db);

  // learning's courses as CoursePublished / CourseUpdated describe them; changed_at keeps a late
  // replay of an older event from undoing a newer one.
  await sql`
    CREATE TABLE ai_analytics.course_catalogue (
      course_id uuid PRIMARY KEY,
      title text NOT NULL,
      language text NOT NULL,
      status text NOT NULL CHECK (status IN ('DRAFT', 'PUBLISHED', 'ARCHIVED')),
      topic_ids uuid[] NOT NULL DEFAULT '{}',
      changed_at timestamptz NOT NULL
    )`.execute(db);
  // Every (user, course) learning ever granted (EnrollmentCreated); never removed, so a course
  // once held is never recommended again.
  await sql`
    CREATE TABLE ai_analytics.course_enrollments (
      user_id uuid NOT NULL,
      course_id uuid NOT NULL,
      enrolled_at timestamptz NOT NULL,
      PRIMARY KEY (user_id, course_id)
    )`.execute(db);
  await sql`
    CREATE TABLE ai_analytics.course_popularity (
      course_id uuid PRIMARY KEY,
      enrollments integer NOT NULL CHECK (enrollments >= 0)
    )`.execute(db);
  // Learners who took course_id also took similar_course_id: both directions are stored.
  await sql`
    CREATE TABLE ai_analytics.course_similarity (
      course_id uuid NOT NULL,
      similar_course_id uuid NOT NULL,
      co_enrollments integer NOT NULL CHECK (co_enrollments > 0),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (course_id, similar_course_id),
      CHECK (course_id <> similar_course_id)
    )`.execute(db);

  // scheduling's events as EventScheduled describes them.
  await sql`
    CREATE TABLE ai_analytics.scheduled_events (
      event_id uuid PRIMARY KEY,
      slug text NOT NULL,
      name text NOT NULL,
      organizer_id uuid NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      CHECK (ends_at > starts_at)
    )`.execute(db);
  await sql`
    CREATE TABLE ai_analytics.event_tasks (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      event_id uuid NOT NULL REFERENCES ai_analytics.scheduled_events (event_id),
      kind text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]{0,59}$'),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      description text NOT NULL,
      due_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'PROPOSED' CHECK (status IN ('PROPOSED', 'ACCEPTED')),
      proposed_at timestamptz NOT NULL DEFAULT now(),
      accepted_at timestamptz,
      accepted_by uuid,
      UNIQUE (event_id, kind),
      CHECK ((status = 'ACCEPTED') = (accepted_at IS NOT NULL))
    )`.execute(db);

  // ai-analytics reads scheduling's events (EventScheduled) through scheduling's outbox function.
  await sql`GRANT USAGE ON SCHEMA scheduling_events TO academy_ai_analytics`.execute(db);
  await sql`GRANT EXECUTE ON FUNCTION scheduling_events.read_outbox(xid8, bigint, integer) TO academy_ai_analytics`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`REVOKE EXECUTE ON FUNCTION scheduling_events.read_outbox(xid8, bigint, integer) FROM academy_ai_analytics`.execute(db);
  await sql`REVOKE USAGE ON SCHEMA scheduling_events FROM academy_ai_analytics`.execute(db);
  await sql`DROP TABLE ai_analytics.event_tasks, ai_analytics.scheduled_events, ai_analytics.course_similarity,
    ai_analytics.course_popularity, ai_analytics.course_enrollments, ai_analytics.course_catalogue,
    ai_analytics.topic_coaching_tips, ai_analytics.coaching_tips`.execute(db);
}
