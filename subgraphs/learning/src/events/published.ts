// The domain events learning publishes through its outbox (learning.outbox). Course events carry
// what a catalogue copy needs, never personal data (not even the author's id).
import { appendEvent } from '@academy/service-kit/events';
import type { Transaction } from 'kysely';
import type { Course, CourseStatus, LearningDatabase } from '../db/database.js';

/** The schema whose outbox learning's events go to. */
export const LEARNING_EVENT_SOURCE = 'learning';

/** What both course events carry (their aggregate id is the course id). */
interface CourseEventPayload {
  courseId: string;
  slug: string;
  title: string;
  /** BCP 47 tag. */
  language: string;
  status: CourseStatus;
}

/** The payload of `CoursePublished`: a course entered the catalogue. */
export interface CoursePublishedPayload extends CourseEventPayload {
  /** ISO 8601 timestamp. */
  publishedAt: string;
}

/** The payload of `CourseUpdated`: a course's details changed. */
export interface CourseUpdatedPayload extends CourseEventPayload {
  /** ISO 8601 timestamp. */
  updatedAt: string;
}

const common = (course: Course): CourseEventPayload => ({
  courseId: course.id,
  slug: course.slug,
  title: course.title,
  language: course.language,
  status: course.status,
});

/** Publishes `CoursePublished` in `trx`, the transaction that publishes the course. Returns the event id. */
export function publishCoursePublished(trx: Transaction<LearningDatabase>, course: Course): Promise<string> {
  const payload: CoursePublishedPayload = { ...common(course), publishedAt: (course.published_at ?? course.updated_at).toISOString() };
  return appendEvent(trx, LEARNING_EVENT_SOURCE, { type: 'CoursePublished', aggregateId: course.id, payload });
}

/** Publishes `CourseUpdated` in `trx`, the transaction that changes the course. Returns the event id. */
export function publishCourseUpdated(trx: Transaction<LearningDatabase>, course: Course): Promise<string> {
  const payload: CourseUpdatedPayload = { ...common(course), updatedAt: course.updated_at.toISOString() };
  return appendEvent(trx, LEARNING_EVENT_SOURCE, { type: 'CourseUpdated', aggregateId: course.id, payload });
}
