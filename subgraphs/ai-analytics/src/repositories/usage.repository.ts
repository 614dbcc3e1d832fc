import { keysetPage, type KeysetPage } from '@academy/service-kit';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AiAnalyticsDatabase, AiUsageDayModel } from '../db/database.js';

type Db = Kysely<AiAnalyticsDatabase> | Transaction<AiAnalyticsDatabase>;

/** Tokens (prompt and answer) a user has used on a UTC day (YYYY-MM-DD). */
export async function tokensUsedOn(db: Db, userId: string, day: string): Promise<number> {
  const { rows } = await sql<{ used: number }>`
    SELECT coalesce(sum(tokens_in + tokens_out), 0)::int8 AS used
    FROM ai_analytics.ai_usage WHERE user_id = ${userId} AND day = ${day}::date`.execute(db);
  return Number(rows[0]?.used ?? 0);
}

/** Adds one answered question to a user's day: one statement, safe under concurrent questions. */
export async function addUsage(
  trx: Transaction<AiAnalyticsDatabase>,
  usage: { userId: string; day: string; tokensIn: number; tokensOut: number; costThousandths: number; currency: string },
): Promise<void> {
  await sql`
    INSERT INTO ai_analytics.ai_usage AS u (user_id, day, requests, tokens_in, tokens_out, cost_thousandths, currency)
    VALUES (${usage.userId}, ${usage.day}::date, 1, ${usage.tokensIn}, ${usage.tokensOut}, ${usage.costThousandths}, ${usage.currency})
    ON CONFLICT (user_id, day) DO UPDATE SET
      requests = u.requests + 1,
      tokens_in = u.tokens_in + excluded.tokens_in,
      tokens_out = u.tokens_out + excluded.tokens_out,
      cost_thousandths = u.cost_thousandths + excluded.cost_thousandths,
      updated_at = now()`.execute(trx);
}

/** Position of a usage day in the newest-first list: [day, id]. */
export type UsageCursor = [string, string];

/** A page of usage days in [from, to), newest day first, of one user or all; exact total in the same statement. */
export async function findUsagePage(
  db: Db,
  query: { userId: string | null; from: string; to: string; limit: number; after: UsageCursor | null },
): Promise<KeysetPage<AiUsageDayModel>> {
  return keysetPage<AiUsageDayModel>(db, {
    filtered: sql`
      SELECT id, user_id, day::text AS day, requests, tokens_in, tokens_out, cost_thousandths, currency, updated_at
      FROM ai_analytics.ai_usage
      WHERE day >= ${query.from}::date AND day < ${query.to}::date
        ${query.userId ? sql`AND user_id = ${query.userId}` : sql``}`,
    sortColumn: 'day',
    descending: true,
    after: query.after ? sql`(${query.after[0]}::text, ${query.after[1]}::uuid)` : null,
    limit: query.limit,
  });
}
