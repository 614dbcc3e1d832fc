import type { Row } from './bulk-insert.js';
import { DAY, HOUR, iso, type CourseEntity, type EnrollmentEntity, type SessionEntity, type TableRows, type UserEntity } from './model.js';
import { ZipfSampler, at, type Prng } from './prng.js';
import { DEVICES, REFERRERS, SEARCH_QUERIES } from './word-lists.js';

const WINDOW = 90 * DAY;

export interface AnalyticsInput {
  anchor: number;
  users: readonly UserEntity[];
  /** Users who produce events: the demo learner first, then the synthetic ones. */
  eventUsers: readonly number[];
  courses: readonly CourseEntity[];
  popularity: readonly number[];
  enrollmentsByUser: readonly (readonly EnrollmentEntity[])[];
  sessions: readonly SessionEntity[];
  perUser: number;
}

type Properties = Record<string, string | number>;

/**
 * Plans about `perUser` events per user over the last 90 days (a heavy-tailed share each,
 * none before they signed up, some users idle) plus anonymous visitors, then generates the
 * rows lazily: at the benchmark scale they are millions, too many to hold at once.
 */
export function planAnalytics(rng: Prng, input: AnalyticsInput): TableRows {
  const { anchor, users, eventUsers } = input;
  const windowStarts = new Float64Array(eventUsers.length);
  const weights = new Float64Array(eventUsers.length);
  let weightSum = 0;
  eventUsers.forEach((user, i) => {
    const start = Math.max(anchor - WINDOW, at(users, user).createdAt);
    windowStarts[i] = start;
    // Some people went quiet; the first event user (the demo learner) never does.
    const active = i === 0 || rng.chance(0.85);
    const weight = active && anchor - start > 3 * HOUR ? Math.exp(0.9 * rng.normal()) * ((anchor - start) / WINDOW) : 0;
    weights[i] = weight;
    weightSum += weight;
  });
  const target = Math.round(input.perUser * eventUsers.length);
  const counts = new Int32Array(eventUsers.length);
  let total = 0;
  for (let i = 0; i < eventUsers.length; i++) {
    counts[i] = weightSum > 0 ? Math.round((weights[i]! * target) / weightSum) : 0;
    total += counts[i]!;
  }
  const visitorCounts = Array.from({ length: Math.round(eventUsers.length * 0.5) }, () => rng.int(1, 6));
  for (const n of visitorCounts) total += n;

  return {
    table: 'ai_analytics.analytics_events',
    total,
    rows: generateEvents(rng.fork('stream'), input, windowStarts, counts, visitorCounts),
  };
}

function* generateEvents(
  rng: Prng,
  input: AnalyticsInput,
  windowStarts: Float64Array,
  counts: Int32Array,
  visitorCounts: readonly number[],
): Generator<Row> {
  const { anchor, users, courses, popularity } = input;
  const zipf = new ZipfSampler(Math.max(1, popularity.length), 1.0);
  const popularCourseIndex = () => at(popularity, zipf.sample(rng));
  const popularCourse = () => at(courses, popularCourseIndex());
  const upcomingByCourse = new Map<number, string[]>();
  for (const session of input.sessions) {
    if (session.startsAt <= anchor || session.status === 'CANCELLED') continue;
    upcomingByCourse.set(session.course, [...(upcomingByCourse.get(session.course) ?? []), session.id]);
  }
  const deviceChoices = DEVICES.map(([device, weight]) => [device, weight] as const);

  let time = 0;
  let device = 'desktop';
  let userId: string | null = null;
  let anonymousId: string | null = null;
  const event = (name: string, properties: Properties): Row => {
    time += rng.int(5, 240) * 1000;
    // Phones send late when they were offline.
    const delay = device === 'mobile' && rng.chance(0.04) ? rng.int(60, 36 * 3600) * 1000 : rng.int(80, 2500);
    const occurredAt = Math.min(time, anchor - 1000);
    const receivedAt = Math.min(occurredAt + delay, anchor);
    return [name, userId, anonymousId, iso(occurredAt), iso(receivedAt), JSON.stringify({ ...properties, device })];
  };
  const startVisit = (from: number) => {
    time = from + Math.floor(rng.next() * Math.max(0, anchor - from - 4 * HOUR));
    device = rng.weighted(deviceChoices);
  };

  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]!;
    if (count === 0) continue;
    const user = at(input.eventUsers, i);
    userId = at(users, user).id;
    anonymousId = null;
    const learning = (input.enrollmentsByUser[user] ?? []).filter((e) => e.status !== 'CANCELLED');
    let emitted = 0;
    while (emitted < count) {
      startVisit(windowStarts[i]!);
      const visit: Row[] = [event('page_view', { path: rng.pick(['/', '/courses', '/my-learning', '/sessions']), referrer: rng.pick(REFERRERS) })];
      const steps = rng.int(2, 12);
      for (let s = 0; s < steps; s++) {
        const action = rng.weighted([['browse', 40], ['search', 10], ['learn', learning.length > 0 ? 30 : 0], ['session', 8], ['chat', 5], ['enroll', 7]] as const);
        if (action === 'browse') {
          const course = popularCourse();
          if (rng.chance(0.4)) visit.push(event('page_view', { path: `/courses/${course.slug}`, referrer: 'internal' }));
          visit.push(event('course_viewed', { courseId: course.id, slug: course.slug, source: rng.pick(['catalogue', 'search', 'recommendation', 'home']) }));
        } else if (action === 'search') {
          visit.push(event('search_performed', { query: rng.pick(SEARCH_QUERIES), resultCount: rng.int(0, 40) }));
        } else if (action === 'learn') {
          const enrollment = rng.pick(learning);
          const course = at(courses, enrollment.course);
          const lessonId = rng.pick(course.lessonIds);
          visit.push(event('lesson_started', { courseId: course.id, lessonId }));
          if (rng.chance(0.75)) visit.push(event('lesson_completed', { courseId: course.id, lessonId, durationSeconds: rng.int(60, 2400) }));
          if (rng.chance(0.08)) visit.push(event('quiz_submitted', { courseId: course.id, lessonId, scorePercent: rng.int(40, 100) }));
          if (enrollment.status === 'COMPLETED' && course.certificateMonths !== null && rng.chance(0.05)) {
            visit.push(event('certificate_downloaded', { courseId: course.id }));
          }
        } else if (action === 'session') {
          const index = popularCourseIndex();
          const course = at(courses, index);
          const sessionIds = upcomingByCourse.get(index);
          if (sessionIds) visit.push(event('session_viewed', { sessionId: rng.pick(sessionIds), courseId: course.id }));
          else visit.push(event('course_viewed', { courseId: course.id, slug: course.slug, source: 'sessions' }));
        } else if (action === 'chat') {
          visit.push(event('chat_message_sent', { roomKind: rng.pick(['SESSION', 'GROUP', 'DIRECT']), length: rng.int(2, 400) }));
        } else {
          // The funnel: started, checkout for paid courses, then done; each step loses people.
          const course = learning.length > 0 && rng.chance(0.5) ? at(courses, rng.pick(learning).course) : popularCourse();
          visit.push(event('enrollment_started', { courseId: course.id }));
          const price = course.price;
          if (price && price.amountMinor > 0) {
            if (rng.chance(0.7)) {
              const money = { courseId: course.id, amountMinor: price.amountMinor, currency: price.currency };
              visit.push(event('checkout_started', money));
              if (rng.chance(0.75)) {
                visit.push(event('checkout_completed', { ...money, paymentMethod: rng.pick(['card', 'card', 'card', 'paypal', 'invoice']) }));
                visit.push(event('enrollment_completed', { courseId: course.id }));
              }
            }
          } else if (rng.chance(0.85)) {
            visit.push(event('enrollment_completed', { courseId: course.id }));
          }
        }
      }
      for (const row of visit) {
        if (emitted === count) break;
        emitted++;
        yield row;
      }
    }
  }

  // Visitors who never signed in: landing pages, searches and course pages.
  userId = null;
  for (const count of visitorCounts) {
    anonymousId = `anon-${rng.hex(16)}`;
    startVisit(anchor - WINDOW);
    for (let k = 0; k < count; k++) {
      if (k === 0) yield event('page_view', { path: rng.pick(['/', '/courses', '/courses/emergency-first-aid-at-work']), referrer: rng.pick(REFERRERS) });
      else if (rng.chance(0.3)) yield event('search_performed', { query: rng.pick(SEARCH_QUERIES), resultCount: rng.int(0, 40) });
      else {
        const course = popularCourse();
        yield event('course_viewed', { courseId: course.id, slug: course.slug, source: 'catalogue' });
      }
    }
  }
}
