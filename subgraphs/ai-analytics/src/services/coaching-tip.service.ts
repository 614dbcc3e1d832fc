import { forbidden, hasRole, intInRange, isUuid, parseId, requireRole, requireViewer } from '@academy/service-kit';
import type { AiAnalyticsContext } from '../context.js';
import type { TopicTip, TrainingSessionWithTopics } from '../db/database.js';
import type { MutationGenerateCoachingTipsArgs } from '../generated/graphql.js';
import { linkTips, listTipsOfTopics, lockTopicTips } from '../repositories/coaching-tip.repository.js';

export const MAX_TIPS_PER_CALL = 10;
const MAX_TIP_LENGTH = 1000;

/**
 * Writes tips for a topic with the context's generator and links them to the topic, in one
 * transaction that holds the topic's lock: concurrent calls for one topic run one after the
 * other, so each sees the tips the other linked and none links a tip twice. The topic's id is
 * taken as given: ai-analytics keeps no copy of learning's topics, and `Topic` of an unknown id
 * resolves to null through the gateway.
 */
export async function generateCoachingTips(ctx: AiAnalyticsContext, args: MutationGenerateCoachingTipsArgs): Promise<TopicTip[]> {
  const viewer = requireRole(ctx, 'CONTENT_AUTHOR', 'ADMIN');
  const topicId = parseId(args.topicId, 'topicId');
  const count = intInRange(args.count ?? 3, 'count', 1, MAX_TIPS_PER_CALL);
  const tone = args.tone ?? 'PRACTICAL';
  const audience = args.audience ?? 'MIXED';
  return ctx.db.transaction().execute(async (trx) => {
    await lockTopicTips(trx, topicId);
    const existing = new Set((await listTipsOfTopics(trx, [topicId])).map((tip) => tip.text));
    const written = await ctx.tipGenerator.generate({ topicId, count, tone, audience, existing });
    // A generator's answer is checked like input: a text too long or empty is left out.
    const tips = written
      .map((tip) => ({ ...tip, text: tip.text.trim() }))
      .filter((tip) => tip.text.length > 0 && tip.text.length <= MAX_TIP_LENGTH && !existing.has(tip.text))
      .slice(0, count);
    return linkTips(trx, topicId, tips, viewer.userId);
  });
}

/** A topic's tips (anyone may read them: they hold nothing personal). */
export const topicCoachingTips = (ctx: AiAnalyticsContext, topicId: string): Promise<TopicTip[]> => ctx.loaders.tipsByTopic.load(topicId);

/**
 * The tips for a session's catalogue topics, topic by topic in the session's order, for the
 * session's trainer and ADMIN. The trainer and topics come from scheduling with the reference.
 */
export async function sessionCoachingTips(ctx: AiAnalyticsContext, session: TrainingSessionWithTopics): Promise<TopicTip[]> {
  const viewer = requireViewer(ctx);
  if (session.trainer?.user.id !== viewer.userId && !hasRole(ctx, 'ADMIN')) {
    throw forbidden("Only the session's trainer and ADMIN see its coaching tips.");
  }
  const topicIds = [...new Set((session.topics ?? []).flatMap((t) => (t.topic && isUuid(t.topic.id) ? [t.topic.id.toLowerCase()] : [])))];
  const lists = await Promise.all(topicIds.map((id) => ctx.loaders.tipsByTopic.load(id)));
  return lists.flat();
}
