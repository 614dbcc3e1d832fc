// What ai-analytics takes from learning's outbox: the catalogue (published courses, their
// language and topics) and who enrolled where, for course recommendations.
import type { Logger } from '@academy/service-kit';
import { createEventConsumer, type EventConsumer, type EventHandler } from '@academy/service-kit/events';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AiAnalyticsDatabase } from '../db/database.js';
import { recordCourseChange, recordEnrollmentCreated } from '../services/recommendation.service.js';

/** The consumer's name in ai_analytics.event_checkpoints and processed_events: never rename it, or it starts over. */
export const LEARNING_CONSUMER = 'ai-analytics.learning';

const timestamp = z.iso.datetime({ offset: true });

/** The part of CoursePublished / CourseUpdated this consumer relies on; topicIds is absent from older events. */
const courseFields = {
  courseId: z.uuid(),
  title: z.string(),
  language: z.string().min(1),
  status: z.enum(['DRAFT', 'PUBLISHED', 'ARCHIVED']),
  topicIds: z.array(z.uuid()).optional(),
};
const coursePublishedPayload = z.object({ ...courseFields, publishedAt: timestamp });
const courseUpdatedPayload = z.object({ ...courseFields, updatedAt: timestamp });
const enrollmentCreatedPayload = z.object({ userId: z.uuid(), courseId: z.uuid(), enrolledAt: timestamp });

const onCoursePublished: EventHandler<AiAnalyticsDatabase> = (event, trx) => {
  const p = coursePublishedPayload.parse(event.payload);
  return recordCourseChange(trx, { ...p, topicIds: p.topicIds ?? null, changedAt: event.occurredAt });
};

const onCourseUpdated: EventHandler<AiAnalyticsDatabase> = (event, trx) => {
  const p = courseUpdatedPayload.parse(event.payload);
  return recordCourseChange(trx, { ...p, topicIds: p.topicIds ?? null, changedAt: event.occurredAt });
};

const onEnrollmentCreated: EventHandler<AiAnalyticsDatabase> = (event, trx) => {
  const p = enrollmentCreatedPayload.parse(event.payload);
  return recordEnrollmentCreated(trx, { userId: p.userId, courseId: p.courseId, enrolledAt: new Date(p.enrolledAt) });
};

/** The consumer of learning's domain events (at least once, each applied once: see the kit). */
export function createLearningEventConsumer(options: {
  db: Kysely<AiAnalyticsDatabase>;
  listen?: string;
  logger: Logger;
  pollIntervalMs?: number;
}): EventConsumer {
  return createEventConsumer<AiAnalyticsDatabase>({
    name: LEARNING_CONSUMER,
    source: 'learning',
    schema: 'ai_analytics',
    db: options.db,
    listen: options.listen,
    logger: options.logger,
    pollIntervalMs: options.pollIntervalMs,
    handlers: { CoursePublished: onCoursePublished, CourseUpdated: onCourseUpdated, EnrollmentCreated: onEnrollmentCreated },
  });
}
