// What ai-analytics takes from learning's outbox: each domain event, as one analytics event.
import type { EventConsumer } from '@academy/service-kit/events';
import { z } from 'zod';
import { createRecordingConsumer, mapping, type AnalyticsMapping, type RecordingConsumerOptions } from './domain-event-recording.js';

/** The consumer's name in ai_analytics.event_checkpoints and processed_events: never rename it, or it starts over. */
export const LEARNING_ANALYTICS_CONSUMER = 'ai-analytics.learning-analytics';

const course = z.object({ courseId: z.uuid(), slug: z.string(), language: z.string(), status: z.string() });
const enrollment = z.object({ enrollmentId: z.uuid(), userId: z.uuid(), courseId: z.uuid() });

/** learning's events (subgraphs/learning/src/events/published.ts) and the analytics events they become. */
export const LEARNING_EVENTS: Record<string, AnalyticsMapping> = {
  CoursePublished: mapping({ name: 'course.published', payload: course, userId: () => null }),
  CourseUpdated: mapping({ name: 'course.updated', payload: course, userId: () => null }),
  EnrollmentCreated: mapping({
    name: 'enrollment.created',
    payload: enrollment.extend({ source: z.string(), orderId: z.uuid().nullable(), reactivated: z.boolean() }),
    userId: (p) => p.userId,
  }),
  CourseCompleted: mapping({ name: 'course.completed', payload: enrollment, userId: (p) => p.userId }),
  CertificateIssued: mapping({ name: 'certificate.issued', payload: enrollment.extend({ certificateId: z.uuid() }), userId: (p) => p.userId }),
};

/** The consumer recording learning's domain events as analytics events (apart from the consumer that keeps ai-analytics' copies). */
export function createLearningAnalyticsConsumer(options: RecordingConsumerOptions): EventConsumer {
  return createRecordingConsumer(LEARNING_ANALYTICS_CONSUMER, 'learning', LEARNING_EVENTS, options);
}
