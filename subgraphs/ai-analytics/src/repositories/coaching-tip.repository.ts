import { sql, type Kysely, type Transaction } from 'kysely';
import type { AiAnalyticsDatabase, TopicTip } from '../db/database.js';
import type { GeneratedTip } from '../generation/tip-generator.js';

type Db = Kysely<AiAnalyticsDatabase>;
type Trx = Transaction<AiAnalyticsDatabase>;

/** Serialises tip generation for one topic until the transaction ends. */
export async function lockTopicTips(trx: Trx, topicId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`ai_analytics.topic_coaching_tips:${topicId}`}, 0))`.execute(trx);
}

/** The tips of each of `topicIds`, each topic's in the order they were linked. */
export function listTipsOfTopics(db: Db | Trx, topicIds: readonly string[]): Promise<TopicTip[]> {
  return db
    .selectFrom('ai_analytics.topic_coaching_tips as l')
    .innerJoin('ai_analytics.coaching_tips as t', 't.id', 'l.tip_id')
    .select(['t.id', 't.text', 't.tone', 't.audience', 't.created_at', 'l.topic_id'])
    .where('l.topic_id', '=', sql<string>`ANY(${topicIds}::uuid[])`)
    .orderBy('l.topic_id')
    .orderBy('l.seq')
    .execute();
}

/**
 * Stores the tips (a text stored before is reused, whoever wrote it) and links them to the topic;
 * returns the tips newly linked, in the order given.
 */
export async function linkTips(trx: Trx, topicId: string, tips: readonly GeneratedTip[], linkedBy: string): Promise<TopicTip[]> {
  if (tips.length === 0) return [];
  // DO UPDATE of nothing real, so that RETURNING also answers the rows that existed.
  const stored = await trx
    .insertInto('ai_analytics.coaching_tips')
    .values(tips.map((tip) => ({ text: tip.text, tone: tip.tone, audience: tip.audience })))
    .onConflict((oc) => oc.column('text').doUpdateSet({ text: sql`EXCLUDED.text` }))
    .returning(['id', 'text', 'tone', 'audience', 'created_at'])
    .execute();
  const linked = await trx
    .insertInto('ai_analytics.topic_coaching_tips')
    .values(stored.map((tip) => ({ topic_id: topicId, tip_id: tip.id, linked_by: linkedBy })))
    .onConflict((oc) => oc.doNothing())
    .returning('tip_id')
    .execute();
  const fresh = new Set(linked.map((row) => row.tip_id));
  const byText = new Map(stored.map((tip) => [tip.text, tip]));
  return tips.flatMap((tip) => {
    const row = byText.get(tip.text);
    return row && fresh.has(row.id) ? [{ ...row, topic_id: topicId }] : [];
  });
}
