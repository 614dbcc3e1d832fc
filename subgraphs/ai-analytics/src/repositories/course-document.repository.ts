import { sql, type Kysely, type Transaction } from 'kysely';
import type { AiAnalyticsDatabase, NewCourseDocument } from '../db/database.js';

type Db = Kysely<AiAnalyticsDatabase> | Transaction<AiAnalyticsDatabase>;

/**
 * Stores a course's document unless a newer announcement already did: an event replayed, or
 * overtaken by a later one, changes nothing. Returns whether the row was written.
 */
export async function upsertCourseDocument(db: Db, doc: NewCourseDocument): Promise<boolean> {
  const result = await db
    .insertInto('ai_analytics.course_documents')
    .values(doc)
    .onConflict((oc) =>
      oc.column('course_id').doUpdateSet((eb) => ({
        slug: eb.ref('excluded.slug'),
        title: eb.ref('excluded.title'),
        language: eb.ref('excluded.language'),
        status: eb.ref('excluded.status'),
        content: eb.ref('excluded.content'),
        source_at: eb.ref('excluded.source_at'),
        updated_at: sql`now()`,
      })).where('ai_analytics.course_documents.source_at', '<=', (eb) => eb.ref('excluded.source_at')),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** The content a course's document holds now, if any (events that omit it keep it). */
export async function findCourseDocumentContent(db: Db, courseId: string): Promise<string | null> {
  const row = await db.selectFrom('ai_analytics.course_documents').select('content').where('course_id', '=', courseId).executeTakeFirst();
  return row?.content ?? null;
}

/** A course document that matched a question, with its best-matching words. */
export interface MatchedDocument {
  course_id: string;
  slug: string;
  title: string;
  excerpt: string;
  rank: number;
}

/**
 * The published courses whose documents best match any of `terms` (letters and digits only),
 * by ts_rank, each searched in its own language's configuration; ties by title then id, so
 * the same question always gets the same answer.
 */
export async function searchCourseDocuments(db: Db, terms: readonly string[], limit: number): Promise<MatchedDocument[]> {
  if (terms.length === 0) return [];
  const query = terms.join(' | ');
  const { rows } = await sql<MatchedDocument>`
    SELECT d.course_id, d.slug, d.title, m.rank,
      ts_headline(ai_analytics.lang_config(d.language), d.content, m.q,
        'MaxFragments=2, MaxWords=24, MinWords=8, StartSel="", StopSel="", FragmentDelimiter=" … "') AS excerpt
    FROM ai_analytics.course_documents d
    CROSS JOIN LATERAL (SELECT to_tsquery(ai_analytics.lang_config(d.language), ${query}) AS q) q0
    CROSS JOIN LATERAL (SELECT q0.q, ts_rank(d.search, q0.q)::float8 AS rank) m
    WHERE d.status = 'PUBLISHED' AND d.search @@ m.q
    ORDER BY m.rank DESC, d.title, d.course_id
    LIMIT ${limit}`.execute(db);
  return rows;
}
