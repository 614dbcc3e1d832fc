import { sql, type Kysely } from 'kysely';

/** Text-search configuration by primary language subtag, where PostgreSQL 15 has a dictionary. */
const CONFIGS: Record<string, string> = {
  en: 'english', de: 'german', fr: 'french', es: 'spanish', it: 'italian', nl: 'dutch', pt: 'portuguese',
  sv: 'swedish', da: 'danish', fi: 'finnish', no: 'norwegian', nb: 'norwegian', ru: 'russian',
  hu: 'hungarian', ro: 'romanian', tr: 'turkish',
};

// Search stems each course in its own language: a text-search configuration chosen from the
// primary subtag of the course's language tag (simple where PostgreSQL has no dictionary), with
// title above summary above description. IMMUTABLE so a generated column may call it.
// learning.search_any_language(q) is the search in every one of those configurations: a
// constant query the GIN index can answer, narrowed afterwards to each course's own language.
export async function up(db: Kysely<any>): Promise<void> {
  const cases = Object.entries(CONFIGS).map(([tag, config]) => sql`WHEN ${sql.lit(tag)} THEN ${sql.lit(config)}`);
  await sql`
    CREATE FUNCTION learning.lang_config(language text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT (CASE lower(split_part(language, '-', 1)) ${sql.join(cases, sql` `)} ELSE 'simple' END)::regconfig
    $$`.execute(db);
  const queries = [...new Set(Object.values(CONFIGS)), 'simple'].map((config) => sql`websearch_to_tsquery(${sql.lit(config)}, search)`);
  await sql`
    CREATE FUNCTION learning.search_any_language(search text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT ${sql.join(queries, sql` || `)}
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
  await sql`DROP FUNCTION learning.search_any_language(text)`.execute(db);
  await sql`DROP FUNCTION learning.lang_config(text)`.execute(db);
}
