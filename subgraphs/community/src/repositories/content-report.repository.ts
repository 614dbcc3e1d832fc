import { keysetPage, type KeysetPage } from '@academy/service-kit';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { CommunityDatabase, ContentReport, ContentReportStatus, ReportedContentKind } from '../db/database.js';

type Db = Kysely<CommunityDatabase> | Transaction<CommunityDatabase>;

/**
 * Stores a report; null when the reporter already has an OPEN report of the item (the partial
 * unique index decides, so concurrent repeats store one).
 */
export async function insertReportIfAbsent(
  db: Db,
  report: { kind: ReportedContentKind; contentId: string; reporterId: string; reason: string; excerpt: string },
): Promise<ContentReport | null> {
  const row = await db
    .insertInto('community.content_reports')
    .values({
      kind: report.kind,
      content_id: report.contentId,
      reporter_id: report.reporterId,
      reason: report.reason,
      excerpt: report.excerpt,
      resolved_at: null,
      resolved_by: null,
    })
    .onConflict((oc) => oc.columns(['reporter_id', 'kind', 'content_id']).where('status', '=', sql.lit('OPEN')).doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

/** The reporter's OPEN report of the item, if any. */
export async function findOpenReport(db: Db, reporterId: string, kind: ReportedContentKind, contentId: string): Promise<ContentReport | null> {
  const row = await db
    .selectFrom('community.content_reports')
    .selectAll()
    .where('reporter_id', '=', reporterId)
    .where('kind', '=', kind)
    .where('content_id', '=', contentId)
    .where('status', '=', 'OPEN')
    .executeTakeFirst();
  return row ?? null;
}

/** A report, locked until the transaction ends: two decisions on it queue. */
export async function lockReport(trx: Transaction<CommunityDatabase>, id: string): Promise<ContentReport | null> {
  const row = await trx.selectFrom('community.content_reports').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return row ?? null;
}

/** Closes one OPEN report. */
export async function resolveReport(trx: Transaction<CommunityDatabase>, id: string, status: ContentReportStatus, resolverId: string): Promise<ContentReport> {
  return trx
    .updateTable('community.content_reports')
    .set({ status, resolved_at: sql<Date>`now()`, resolved_by: resolverId })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Closes every OPEN report of an item (its content was removed). */
export async function resolveReportsOfItem(
  trx: Transaction<CommunityDatabase>,
  kind: ReportedContentKind,
  contentId: string,
  status: ContentReportStatus,
  resolverId: string,
): Promise<void> {
  await trx
    .updateTable('community.content_reports')
    .set({ status, resolved_at: sql<Date>`now()`, resolved_by: resolverId })
    .where('kind', '=', kind)
    .where('content_id', '=', contentId)
    .where('status', '=', 'OPEN')
    .execute();
}

/** Position in the list of reports (newest first): the time as PostgreSQL prints it, and the id. */
export type ReportCursor = [string, string];

/** One page of reports, newest first, optionally of one status, with the exact total, in one statement. */
export async function findReportPage(
  db: Db,
  query: { status: ContentReportStatus | null; limit: number; after: ReportCursor | null },
): Promise<KeysetPage<ContentReport & { cursor_key: string }>> {
  return keysetPage(db, {
    filtered: sql`
      SELECT r.*, r.created_at::text AS cursor_key FROM community.content_reports r
      WHERE ${query.status === null ? sql`true` : sql`r.status = ${query.status}`}`,
    sortColumn: 'created_at',
    descending: true,
    after: query.after ? sql`(${query.after[0]}::timestamptz, ${query.after[1]}::uuid)` : null,
    limit: query.limit,
  });
}
