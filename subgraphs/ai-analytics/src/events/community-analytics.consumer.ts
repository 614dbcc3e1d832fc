// What ai-analytics takes from community's outbox: each domain event, as one analytics event.
// A notification e-mail request carries the e-mail's text and links: only its ids and kind are kept.
import type { EventConsumer } from '@academy/service-kit/events';
import { z } from 'zod';
import { createRecordingConsumer, mapping, type AnalyticsMapping, type RecordingConsumerOptions } from './domain-event-recording.js';

/** The consumer's name in ai_analytics.event_checkpoints and processed_events: never rename it, or it starts over. */
export const COMMUNITY_ANALYTICS_CONSUMER = 'ai-analytics.community-analytics';

/** community's events (subgraphs/community/src/events/published.ts) and the analytics events they become. */
export const COMMUNITY_EVENTS: Record<string, AnalyticsMapping> = {
  NotificationEmailRequested: mapping({
    name: 'notification.email_requested',
    payload: z.object({ notificationId: z.uuid(), userId: z.uuid(), kind: z.string().min(1).max(100) }),
    userId: (p) => p.userId,
  }),
};

/** The consumer recording community's domain events as analytics events. */
export function createCommunityAnalyticsConsumer(options: RecordingConsumerOptions): EventConsumer {
  return createRecordingConsumer(COMMUNITY_ANALYTICS_CONSUMER, 'community', COMMUNITY_EVENTS, options);
}
