import { columnList, keysetPage, selectList, type KeysetPage, type TimestampCursor } from '@academy/service-kit';
import { sql, type Kysely } from 'kysely';
import type { AiAnalyticsDatabase, AnalyticsReportRow, NewAnalyticsReport } from '../db/database.js';
import type { StoredRange, StoredReportResult } from '../db/report-documents.js';
import type { Granularity } from '../generated/graphql.js';

/** Every column of a report row (the compiler checks the list against the table). */
const REPORT_COLUMNS = columnList<AnalyticsReportRow>()([
  'id', 'name', 'report_type', 'parameters', 'shared', 'result', 'computed_at', 'created_by', 'created_at', 'updated_at',
]);
const REPORT_SELECT = selectList('r', REPORT_COLUMNS);

/** Whose reports a viewer sees: all (ADMIN), or their own and the shared ones. */
export type ReportAudience = { all: true } | { all: false; userId: string };

const visibleTo = (audience: ReportAudience) => (audience.all ? sql`true` : sql`(r.created_by = ${audience.userId} OR r.shared)`);

export async function insertAnalyticsReport(db: Kysely<AiAnalyticsDatabase>, report: NewAnalyticsReport): Promise<AnalyticsReportRow> {
  return db.insertInto('ai_analytics.analytics_reports').values(report).returning(REPORT_COLUMNS).executeTakeFirstOrThrow();
}

/** The report, if the audience may see it; null otherwise (unknown, or another analyst's private one). */
export async function findVisibleReport(db: Kysely<AiAnalyticsDatabase>, id: string, audience: ReportAudience): Promise<AnalyticsReportRow | null> {
  const { rows } = await sql<AnalyticsReportRow>`
    SELECT ${REPORT_SELECT} FROM ai_analytics.analytics_reports r WHERE r.id = ${id} AND ${visibleTo(audience)}`.execute(db);
  return rows[0] ?? null;
}

/** Stores a new snapshot; null when the report is gone (deleted meanwhile). */
export async function updateReportResult(
  db: Kysely<AiAnalyticsDatabase>,
  id: string,
  snapshot: { result: StoredReportResult; computedAt: Date },
): Promise<AnalyticsReportRow | null> {
  const row = await db
    .updateTable('ai_analytics.analytics_reports')
    .set({ result: JSON.stringify(snapshot.result), computed_at: snapshot.computedAt, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .returning(REPORT_COLUMNS)
    .executeTakeFirst();
  return row ?? null;
}

export async function deleteAnalyticsReport(db: Kysely<AiAnalyticsDatabase>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('ai_analytics.analytics_reports').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** A page of the reports the audience sees, newest first, with the exact total, in one statement. */
export async function findReportPage(
  db: Kysely<AiAnalyticsDatabase>,
  query: { audience: ReportAudience; limit: number; after: TimestampCursor | null },
): Promise<KeysetPage<AnalyticsReportRow & { cursor_key: string }>> {
  return keysetPage<AnalyticsReportRow & { cursor_key: string }>(db, {
    filtered: sql`
      SELECT ${REPORT_SELECT}, r.created_at::text AS cursor_key
      FROM ai_analytics.analytics_reports r
      WHERE ${visibleTo(query.audience)}`,
    sortColumn: 'created_at',
    descending: true,
    after: query.after ? sql`(${query.after[0]}::timestamptz, ${query.after[1]}::uuid)` : null,
    limit: query.limit,
  });
}

/**
 * A relative window resolved at `now`: the last `last` whole units in `timeZone`, the current
 * one included (its end is the start of the next unit). PostgreSQL's zone rules, as the figures use.
 */
export async function resolveWindow(
  db: Kysely<AiAnalyticsDatabase>,
  window: { last: number; unit: Granularity; timeZone: string; now: Date },
): Promise<StoredRange> {
  const unit = window.unit.toLowerCase();
  const step = `1 ${unit}`;
  const { rows } = await sql<{ from: Date; to: Date }>`
    WITH current AS (SELECT date_trunc(${unit}, ${window.now}::timestamptz AT TIME ZONE ${window.timeZone}) AS start)
    SELECT (start - (${window.last} - 1) * ${step}::interval) AT TIME ZONE ${window.timeZone} AS "from",
      (start + ${step}::interval) AT TIME ZONE ${window.timeZone} AS "to"
    FROM current`.execute(db);
  const row = rows[0]!;
  return { from: row.from.toISOString(), to: row.to.toISOString() };
}
