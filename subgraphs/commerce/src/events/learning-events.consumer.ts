// What commerce takes from learning's outbox: course titles, so order items read as what was bought.
import type { Logger } from '@academy/service-kit';
import { createEventConsumer, type EventConsumer, type EventHandler } from '@academy/service-kit/events';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CommerceDatabase } from '../db/database.js';
import { upsertCourseTitle } from '../repositories/copy.repository.js';

/** The consumer's name in commerce.event_checkpoints and processed_events: never rename it, or it starts over. */
export const LEARNING_CONSUMER = 'commerce.learning';

/** The parts of CoursePublished / CourseUpdated this consumer relies on (checked, not trusted). */
const coursePayload = z.object({
  courseId: z.uuid(),
  title: z.string().min(1),
  publishedAt: z.iso.datetime({ offset: true }).optional(),
  updatedAt: z.iso.datetime({ offset: true }).optional(),
});

const onCourse: EventHandler<CommerceDatabase> = (event, trx) => {
  const p = coursePayload.parse(event.payload);
  return upsertCourseTitle(trx, { id: p.courseId.toLowerCase(), title: p.title, at: new Date(p.updatedAt ?? p.publishedAt ?? event.occurredAt) });
};

/** The consumer of learning's course events: commerce's copy of course titles (the newest wins). */
export function createLearningEventConsumer(options: {
  db: Kysely<CommerceDatabase>;
  /** Where to LISTEN for learning's announcements (the subgraph's own role); without it, polling only. */
  listen?: string;
  logger: Logger;
  pollIntervalMs?: number;
}): EventConsumer {
  return createEventConsumer<CommerceDatabase>({
    name: LEARNING_CONSUMER,
    source: 'learning',
    schema: 'commerce',
    db: options.db,
    listen: options.listen,
    logger: options.logger,
    pollIntervalMs: options.pollIntervalMs,
    handlers: { CoursePublished: onCourse, CourseUpdated: onCourse },
  });
}
