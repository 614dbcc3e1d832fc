// What ai-analytics takes from scheduling's outbox: each domain event, as one analytics event.
// Payloads keep ids, statuses and times; nothing personal travels in them to begin with.
import type { EventConsumer } from '@academy/service-kit/events';
import { z } from 'zod';
import { createRecordingConsumer, mapping, type AnalyticsMapping, type RecordingConsumerOptions } from './domain-event-recording.js';

/** The consumer's name in ai_analytics.event_checkpoints and processed_events: never rename it, or it starts over. */
export const SCHEDULING_ANALYTICS_CONSUMER = 'ai-analytics.scheduling-analytics';

const session = z.object({ sessionId: z.uuid(), courseId: z.uuid() });
const registration = z.object({ registrationId: z.uuid(), sessionId: z.uuid(), userId: z.uuid(), courseId: z.uuid(), status: z.string() });
const coaching = z.object({ coachingSessionId: z.uuid(), trainerId: z.uuid(), learnerId: z.uuid() });

/** scheduling's events (subgraphs/scheduling/src/events/published.ts) and the analytics events they become. */
export const SCHEDULING_EVENTS: Record<string, AnalyticsMapping> = {
  TrainingSessionScheduled: mapping({
    name: 'training_session.scheduled',
    payload: session.extend({ trainerUserId: z.uuid().nullable(), venueId: z.uuid().nullable(), capacity: z.number().int() }),
    userId: (p) => p.trainerUserId,
  }),
  TrainingSessionCancelled: mapping({ name: 'training_session.cancelled', payload: session, userId: () => null }),
  RegistrationHeld: mapping({ name: 'registration.held', payload: registration.omit({ status: true }), userId: (p) => p.userId }),
  RegistrationConfirmed: mapping({ name: 'registration.confirmed', payload: registration.extend({ orderId: z.uuid().nullable() }), userId: (p) => p.userId }),
  RegistrationCancelled: mapping({ name: 'registration.cancelled', payload: registration.extend({ reason: z.string() }), userId: (p) => p.userId }),
  RegistrationExpired: mapping({ name: 'registration.expired', payload: registration, userId: (p) => p.userId }),
  RegistrationPaidWithoutSeat: mapping({ name: 'registration.paid_without_seat', payload: registration.extend({ orderId: z.uuid() }), userId: (p) => p.userId }),
  AttendanceRecorded: mapping({ name: 'attendance.recorded', payload: registration, userId: (p) => p.userId }),
  CoachingSessionBooked: mapping({ name: 'coaching_session.booked', payload: coaching, userId: (p) => p.learnerId }),
  CoachingSessionCancelled: mapping({ name: 'coaching_session.cancelled', payload: coaching, userId: (p) => p.learnerId }),
  EventScheduled: mapping({ name: 'event.scheduled', payload: z.object({ eventId: z.uuid(), slug: z.string() }), userId: () => null }),
};

/** The consumer recording scheduling's domain events as analytics events (apart from the consumer that keeps ai-analytics' copies). */
export function createSchedulingAnalyticsConsumer(options: RecordingConsumerOptions): EventConsumer {
  return createRecordingConsumer(SCHEDULING_ANALYTICS_CONSUMER, 'scheduling', SCHEDULING_EVENTS, options);
}
