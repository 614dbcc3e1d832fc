// What ai-analytics takes from learning's outbox: each course's text, for the assistant's retrieval.
import type { Logger } from '@academy/service-kit';
import { createEventConsumer, type EventConsumer, type EventHandler } from '@academy/service-kit/events';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AiAnalyticsDatabase } from '../db/database.js';
import { recordCourse } from '../services/course-document.service.js';

/** The consumer's name in ai_analytics.event_checkpoints and processed_events: never rename it, or it starts over. */
export const LEARNING_CONSUMER = 'ai-analytics.learning';

/**
 * learning's course payloads as this consumer relies on them. summary, description and outline
 * came later: events without them keep the document's text as it was.
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
});
const publishedPayload = coursePayload.extend({ publishedAt: z.iso.datetime({ offset: true }) });
const updatedPayload = coursePayload.extend({ updatedAt: z.iso.datetime({ offset: true }) });

const onCoursePublished: EventHandler<AiAnalyticsDatabase> = (event, trx) => {
  const { publishedAt, ...course } = publishedPayload.parse(event.payload);
  // publishedAt stays at the first publication; the event's own time orders it among updates.
  return recordCourse(trx, { ...course, at: new Date(Math.max(Date.parse(publishedAt), event.occurredAt.getTime())) });
};

const onCourseUpdated: EventHandler<AiAnalyticsDatabase> = (event, trx) => {
  const { updatedAt, ...course } = updatedPayload.parse(event.payload);
  return recordCourse(trx, { ...course, at: new Date(Math.max(Date.parse(updatedAt), event.occurredAt.getTime())) });
};

/**
 * The consumer of learning's course events: each handled at most once (processed_events, in the
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
    handlers: { CoursePublished: onCoursePublished, CourseUpdated: onCourseUpdated },
  });
}
