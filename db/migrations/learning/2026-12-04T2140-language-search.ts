import { sql, type Kysely } from 'kysely';

// Search stems each course in its own language: a text-search configuration chosen from the
// primary subtag of the course's language tag (simple where PostgreSQL has no dictionary), with
// title above summary above description. IMMUTABLE so a generated column may call it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION learning.lang_config(language text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT (CASE lower(split_part(language, '-', 1))
        WHEN 'en' THEN 'english' WHEN 'de' THEN 'german' WHEN 'fr' THEN 'french'
        WHEN 'es' THEN 'spanish' WHEN 'it' THEN 'italian' WHEN 'nl' THEN 'dutch'
        WHEN 'pt' THEN 'portuguese' WHEN 'sv' THEN 'swedish' WHEN 'da' THEN 'danish'
        WHEN 'fi' THEN 'finnish' WHEN 'no' THEN 'norwegian' WHEN 'nb' THEN 'norwegian'
        WHEN 'ru' THEN 'russian' WHEN 'hu' THEN 'hungarian' WHEN 'ro' THEN 'romanian'
        WHEN 'tr' THEN 'turkish' ELSE 'simple' END)::regconfig
    $$`.execute(db);
  await sql`DROP INDEX learning.courses_search_idx`.execute(db);
  await sql`ALTER TABLE learning.courses DROP COLUMN search`.execute(db);
  await sql`
    ALTER TABLE learning.courses ADD COLUMN search tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector(learning.lang_config(language), coalesce(title, '')), 'A') ||
      setweight(to_tsvector(learning.lang_config(language), coalesce(summary, '')), 'B') ||
      setweight(to_tsvector(learning.lang_config(language), coalesce(description, '')), 'C')
    ) STORED`.execute(db);
  await sql`CREATE INDEX courses_search_idx ON learning.courses USING gin (search)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX learning.courses_search_idx`.execute(db);
  await sql`ALTER TABLE learning.courses DROP COLUMN search`.execute(db);
  await sql`
    ALTER TABLE learning.courses ADD COLUMN search tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('simple', coalesce(title, '')), 'A') ||
      setweight(to_tsvector('simple', coalesce(summary, '')), 'B') ||
      setweight(to_tsvector('simple', coalesce(description, '')), 'C')
    ) STORED`.execute(db);
  await sql`CREATE INDEX courses_search_idx ON learning.courses USING gin (search)`.execute(db);
  await sql`DROP FUNCTION learning.lang_config(text)`.execute(db);
}
