// What ai-analytics takes from learning's outbox: each course's text, for the assistant's
// retrieval; the catalogue (published courses, their language and topics) and who enrolled
// where, for course recommendations. One consumer, so each event is read once for both.
import type { Logger } from '@academy/service-kit';
import { createEventConsumer, type EventConsumer, type EventHandler } from '@academy/service-kit/events';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AiAnalyticsDatabase } from '../db/database.js';
import { recordCourse } from '../services/course-document.service.js';
import { recordCourseChange, recordEnrollmentCreated } from '../services/recommendation.service.js';

/** The consumer's name in ai_analytics.event_checkpoints and processed_events: never rename it, or it starts over. */
export const LEARNING_CONSUMER = 'ai-analytics.learning';

const timestamp = z.iso.datetime({ offset: true });

/**
 * learning's course payloads as this consumer relies on them. summary, description, outline and
 * topicIds came later: events without them keep what was known.
 */
const coursePayload = z.object({
  courseId: z.uuid(),
  slug: z.string().min(1),
  title: z.string().min(1),
  language: z.string().min(1),
  status: z.enum(['DRAFT', 'PUBLISHED', 'ARCHIVED']),
  summary: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  outline: z.array(z.object({ title: z.string(), lessons: z.array(z.string()) })).optional(),
  topicIds: z.array(z.uuid()).optional(),
});
const publishedPayload = coursePayload.extend({ publishedAt: timestamp });
const updatedPayload = coursePayload.extend({ updatedAt: timestamp });
const enrollmentCreatedPayload = z.object({ userId: z.uuid(), courseId: z.uuid(), enrolledAt: timestamp });

const onCoursePublished: EventHandler<AiAnalyticsDatabase> = async (event, trx) => {
  const { publishedAt, topicIds, ...course } = publishedPayload.parse(event.payload);
  // publishedAt stays at the first publication; the event's own time orders it among updates.
  await recordCourse(trx, { ...course, at: new Date(Math.max(Date.parse(publishedAt), event.occurredAt.getTime())) });
  await recordCourseChange(trx, { ...course, topicIds: topicIds ?? null, changedAt: event.occurredAt });
};

const onCourseUpdated: EventHandler<AiAnalyticsDatabase> = async (event, trx) => {
  const { updatedAt, topicIds, ...course } = updatedPayload.parse(event.payload);
  await recordCourse(trx, { ...course, at: new Date(Math.max(Date.parse(updatedAt), event.occurredAt.getTime())) });
  await recordCourseChange(trx, { ...course, topicIds: topicIds ?? null, changedAt: event.occurredAt });
};

const onEnrollmentCreated: EventHandler<AiAnalyticsDatabase> = (event, trx) => {
  const p = enrollmentCreatedPayload.parse(event.payload);
  return recordEnrollmentCreated(trx, { userId: p.userId, courseId: p.courseId, enrolledAt: new Date(p.enrolledAt) });
};

/**
 * The consumer of learning's domain events: each handled at most once (processed_events, in the
 * handler's transaction) and at least once (the checkpoint moves past committed events only).
 */
export function createLearningEventConsumer(options: {
  db: Kysely<AiAnalyticsDatabase>;
  /** Where to LISTEN for learning's announcements (the subgraph's own role); without it, polling only. */
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
