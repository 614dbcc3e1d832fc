// The domain events learning publishes through its outbox (learning.outbox). Course events carry
// what a catalogue copy needs, never personal data (not even the author's id).
import { appendEvent } from '@academy/service-kit/events';
import type { Kysely, Transaction } from 'kysely';
import type { Certificate, Course, CourseStatus, Enrollment, LearningDatabase } from '../db/database.js';
import { listCourseTopicIds } from '../repositories/course-authoring.repository.js';
import { findOutlinesOfCourses } from '../repositories/module.repository.js';

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
  /** The course's topics (ids of learning's topics), in no particular order. */
  topicIds: string[];
  /** The course's text, for consumers that search the catalogue (the assistant's retrieval). */
  summary: string | null;
  description: string | null;
  /** Module titles in order, each with its lessons' titles in order (never lesson bodies). */
  outline: { title: string; lessons: string[] }[];
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

/** What both course events carry, the outline read in `trx` (so it is the one being committed). */
async function common(trx: Transaction<LearningDatabase>, course: Course): Promise<CourseEventPayload> {
  const [outline] = await findOutlinesOfCourses(trx, [course.id]);
  const topicIds = await listCourseTopicIds(trx, course.id);
  return {
    courseId: course.id,
    slug: course.slug,
    title: course.title,
    language: course.language,
    status: course.status,
    summary: course.summary,
    description: course.description,
    outline: (outline?.modules ?? []).map((m) => ({ title: m.title, lessons: m.lessons.map((l) => l.title) })),
    topicIds,
  };
}

/** Publishes `CoursePublished` in `trx`, the transaction that publishes the course. Returns the event id. */
export async function publishCoursePublished(trx: Transaction<LearningDatabase>, course: Course): Promise<string> {
  const payload: CoursePublishedPayload = { ...(await common(trx, course)), publishedAt: (course.published_at ?? course.updated_at).toISOString() };
  return appendEvent(trx, LEARNING_EVENT_SOURCE, { type: 'CoursePublished', aggregateId: course.id, payload });
}

/**
 * Publishes `CourseUpdated` in `trx`, the transaction that changes the course (its details, its
 * status, or the outline of a published course). Returns the event id.
 */
export async function publishCourseUpdated(trx: Transaction<LearningDatabase>, course: Course): Promise<string> {
  const payload: CourseUpdatedPayload = { ...(await common(trx, course)), updatedAt: course.updated_at.toISOString() };
  return appendEvent(trx, LEARNING_EVENT_SOURCE, { type: 'CourseUpdated', aggregateId: course.id, payload });
}

/** The payload of `CourseCompleted`: a learner completed every lesson of a course (aggregate: the enrollment). */
export interface CourseCompletedPayload {
  enrollmentId: string;
  userId: string;
  courseId: string;
  /** ISO 8601 timestamp. */
  completedAt: string;
}

/** The payload of `CertificateIssued` (aggregate: the certificate). The verification code stays out. */
export interface CertificateIssuedPayload {
  certificateId: string;
  number: string;
  enrollmentId: string;
  userId: string;
  courseId: string;
  /** ISO 8601 timestamps; expiresAt null = never. */
  issuedAt: string;
  expiresAt: string | null;
}

/** Publishes `CourseCompleted` in `trx`, the transaction that completes the enrollment. Returns the event id. */
export function publishCourseCompleted(trx: Kysely<LearningDatabase>, enrollment: Enrollment): Promise<string> {
  const payload: CourseCompletedPayload = {
    enrollmentId: enrollment.id,
    userId: enrollment.user_id,
    courseId: enrollment.course_id,
    completedAt: (enrollment.completed_at ?? new Date()).toISOString(),
  };
  return appendEvent(trx, LEARNING_EVENT_SOURCE, { type: 'CourseCompleted', aggregateId: enrollment.id, payload });
}

/** Publishes `CertificateIssued` in `trx`, the transaction that issues the certificate. Returns the event id. */
export function publishCertificateIssued(trx: Kysely<LearningDatabase>, certificate: Certificate): Promise<string> {
  const payload: CertificateIssuedPayload = {
    certificateId: certificate.id,
    number: certificate.number,
    enrollmentId: certificate.enrollment_id,
    userId: certificate.user_id,
    courseId: certificate.course_id,
    issuedAt: certificate.issued_at.toISOString(),
    expiresAt: certificate.expires_at?.toISOString() ?? null,
  };
  return appendEvent(trx, LEARNING_EVENT_SOURCE, { type: 'CertificateIssued', aggregateId: certificate.id, payload });
}

/** The payload of `EnrollmentCreated` (aggregate: the enrollment): a learner has access to a course now. */
export interface EnrollmentCreatedPayload {
  enrollmentId: string;
  userId: string;
  courseId: string;
  /** ISO 8601 timestamp: when the learner first enrolled (kept when access is re-activated). */
  enrolledAt: string;
  /** FREE: enrolled in a free course; ORDER: granted by a paid order. */
  source: 'FREE' | 'ORDER';
  /** The paid order, for source ORDER. */
  orderId: string | null;
  /** Whether a cancelled enrollment was re-activated rather than a new one created. */
  reactivated: boolean;
}

/** Publishes `EnrollmentCreated` in `trx`, the transaction that grants the access. Returns the event id. */
export function publishEnrollmentCreated(trx: Kysely<LearningDatabase>, enrollment: Enrollment, reactivated: boolean): Promise<string> {
  const payload: EnrollmentCreatedPayload = {
    enrollmentId: enrollment.id,
    userId: enrollment.user_id,
    courseId: enrollment.course_id,
    enrolledAt: enrollment.enrolled_at.toISOString(),
    source: enrollment.source,
    orderId: enrollment.order_id,
    reactivated,
  };
  return appendEvent(trx, LEARNING_EVENT_SOURCE, { type: 'EnrollmentCreated', aggregateId: enrollment.id, payload });
}
