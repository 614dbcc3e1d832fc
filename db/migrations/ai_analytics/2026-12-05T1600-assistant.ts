import { sql, type Kysely } from 'kysely';

/** Text-search configuration by primary language subtag, where PostgreSQL 15 has a dictionary. */
const CONFIGS: Record<string, string> = {
  en: 'english', de: 'german', fr: 'french', es: 'spanish', it: 'italian', nl: 'dutch', pt: 'portuguese',
  sv: 'swedish', da: 'danish', fi: 'finnish', no: 'norwegian', nb: 'norwegian', ru: 'russian',
  hu: 'hungarian', ro: 'romanian', tr: 'turkish',
};

// The assistant: its copy of the catalogue (course documents, kept from learning's course
// events), conversations with their messages, and token usage per user and UTC day.
export async function up(db: Kysely<any>): Promise<void> {
  // ai_analytics' own copy of learning's function: no schema reads another's objects.
  const cases = Object.entries(CONFIGS).map(([tag, config]) => sql`WHEN ${sql.lit(tag)} THEN ${sql.lit(config)}`);
  await sql`
    CREATE FUNCTION ai_analytics.lang_config(language text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT (CASE lower(split_part(language, '-', 1)) ${sql.join(cases, sql` `)} ELSE 'simple' END)::regconfig
    $$`.execute(db);
  // One row per course learning announced. source_at is the announcing event's time: an older
  // event replayed after a newer one changes nothing.
  await sql`
    CREATE TABLE ai_analytics.course_documents (
      course_id uuid PRIMARY KEY,
      slug text NOT NULL,
      title text NOT NULL,
      language text NOT NULL,
      status text NOT NULL CHECK (status IN ('DRAFT', 'PUBLISHED', 'ARCHIVED')),
      content text NOT NULL,
      search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector(ai_analytics.lang_config(language), title), 'A') ||
        setweight(to_tsvector(ai_analytics.lang_config(language), content), 'B')
      ) STORED,
      source_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX course_documents_search_idx ON ai_analytics.course_documents USING gin (search)`.execute(db);
  await sql`
    CREATE TABLE ai_analytics.ai_conversations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL,
      title text CHECK (length(title) BETWEEN 1 AND 200),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX ai_conversations_user_idx ON ai_analytics.ai_conversations (user_id, updated_at DESC, id)`.execute(db);
  // position orders a conversation's messages even when two share a timestamp.
  await sql`
    CREATE TABLE ai_analytics.ai_messages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      conversation_id uuid NOT NULL REFERENCES ai_analytics.ai_conversations (id) ON DELETE CASCADE,
      position integer NOT NULL CHECK (position >= 1),
      role text NOT NULL CHECK (role IN ('USER', 'ASSISTANT', 'SYSTEM')),
      content text NOT NULL,
      token_count integer CHECK (token_count >= 0),
      citations uuid[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (conversation_id, position)
    )`.execute(db);
  // Cost is kept in thousandths of a minor unit: tokens times a price per 1,000 tokens is then exact.
  await sql`
    CREATE TABLE ai_analytics.ai_usage (
      id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL,
      day date NOT NULL,
      requests integer NOT NULL DEFAULT 0 CHECK (requests >= 0),
      tokens_in bigint NOT NULL DEFAULT 0 CHECK (tokens_in >= 0),
      tokens_out bigint NOT NULL DEFAULT 0 CHECK (tokens_out >= 0),
      cost_thousandths bigint NOT NULL DEFAULT 0 CHECK (cost_thousandths >= 0),
      currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, day)
    )`.execute(db);
  await sql`CREATE INDEX ai_usage_day_idx ON ai_analytics.ai_usage (day, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE ai_analytics.ai_usage, ai_analytics.ai_messages, ai_analytics.ai_conversations, ai_analytics.course_documents`.execute(db);
  await sql`DROP FUNCTION ai_analytics.lang_config(text)`.execute(db);
}
