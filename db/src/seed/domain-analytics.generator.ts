// The analytics history of the demo's domain events: what ai-analytics' recording consumers
// would have stored had the seeded rows been made through the API (the same names, users,
// times and properties as subgraphs/ai-analytics/src/events/*-events.consumer.ts and
// *-analytics.consumer.ts give them), and the demo analyst's saved reports over it.
import type { Prng } from './prng.js';
import { DAY, iso, MINUTE, type TableRows } from './model.js';

/** The span the analytics history covers, as the client events' (analytics.generator.ts). */
const WINDOW = 90 * DAY;

/**
 * ai-analytics' default MIN_GROUP_SIZE (subgraphs/ai-analytics/src/config.ts): the demo
 * reports' snapshots withhold as the live figures do under the default.
 */
const MIN_GROUP_SIZE = 5;

/** A domain event's id, the same at every seed: md5 of its name and the row it stands for. */
const eventId = (name: string, key: string) => `md5('${name}:' || ${key})::uuid`;

/** One kind of domain event: its analytics name, the rows it comes from, its user, time and properties. */
interface DomainEventSource {
  name: string;
  /** FROM and WHERE over the seeded tables (no condition on the time: the window adds it). */
  from: string;
  /** The row's key, for the event's id. */
  key: string;
  userId: string;
  at: string;
  properties: string;
}

const orderItems = `(SELECT coalesce(jsonb_agg(jsonb_build_object('kind', i.kind, 'quantity', i.quantity, 'courseId', i.course_id, 'sessionId', i.session_id)
    ORDER BY i.position), '[]') FROM commerce.order_items i WHERE i.order_id = o.id)`;

const registration = (status: string) =>
  `'registrationId', r.id, 'sessionId', r.session_id, 'userId', r.user_id, 'courseId', s.course_id, 'status', ${status}`;

const SOURCES: DomainEventSource[] = [
  {
    name: 'user.registered',
    from: 'identity.users u',
    key: 'u.id::text',
    userId: 'u.id',
    at: 'u.created_at',
    properties: `jsonb_build_object('roles', (SELECT coalesce(jsonb_agg(r.role ORDER BY r.role), '[]') FROM identity.user_roles r WHERE r.user_id = u.id),
      'eventId', ${eventId('user.registered', 'u.id::text')})`,
  },
  {
    name: 'course.published',
    from: "learning.courses c WHERE c.published_at IS NOT NULL",
    key: 'c.id::text',
    userId: 'NULL::uuid',
    at: 'c.published_at',
    properties: "jsonb_build_object('courseId', c.id, 'slug', c.slug, 'language', c.language, 'status', 'PUBLISHED')",
  },
  {
    name: 'enrollment.created',
    from: 'learning.enrollments e',
    key: 'e.id::text',
    userId: 'e.user_id',
    at: 'e.enrolled_at',
    properties: "jsonb_build_object('enrollmentId', e.id, 'userId', e.user_id, 'courseId', e.course_id, 'source', e.source, 'orderId', e.order_id, 'reactivated', false)",
  },
  {
    name: 'course.completed',
    from: "learning.enrollments e WHERE e.status = 'COMPLETED'",
    key: 'e.id::text',
    userId: 'e.user_id',
    at: 'e.completed_at',
    properties: "jsonb_build_object('enrollmentId', e.id, 'userId', e.user_id, 'courseId', e.course_id)",
  },
  {
    name: 'certificate.issued',
    from: 'learning.certificates c',
    key: 'c.id::text',
    userId: 'c.user_id',
    at: 'c.issued_at',
    properties: "jsonb_build_object('enrollmentId', c.enrollment_id, 'userId', c.user_id, 'courseId', c.course_id, 'certificateId', c.id)",
  },
  {
    name: 'training_session.scheduled',
    from: 'scheduling.training_sessions s LEFT JOIN scheduling.trainers t ON t.id = s.trainer_id',
    key: 's.id::text',
    userId: 't.user_id',
    at: 's.created_at',
    properties: "jsonb_build_object('sessionId', s.id, 'courseId', s.course_id, 'trainerUserId', t.user_id, 'venueId', s.venue_id, 'capacity', s.capacity)",
  },
  {
    name: 'training_session.cancelled',
    from: "scheduling.training_sessions s WHERE s.status = 'CANCELLED' AND s.cancelled_at IS NOT NULL",
    key: 's.id::text',
    userId: 'NULL::uuid',
    at: 's.cancelled_at',
    properties: "jsonb_build_object('sessionId', s.id, 'courseId', s.course_id)",
  },
  {
    name: 'registration.confirmed',
    from: `scheduling.registrations r JOIN scheduling.training_sessions s ON s.id = r.session_id WHERE r.confirmed_at IS NOT NULL`,
    key: 'r.id::text',
    userId: 'r.user_id',
    at: 'r.confirmed_at',
    properties: `jsonb_build_object(${registration("'CONFIRMED'")}, 'orderId',
      (SELECT i.order_id FROM commerce.order_items i WHERE i.registration_id = r.id ORDER BY i.order_id LIMIT 1))`,
  },
  {
    name: 'registration.cancelled',
    from: `scheduling.registrations r JOIN scheduling.training_sessions s ON s.id = r.session_id WHERE r.status = 'CANCELLED'`,
    key: 'r.id::text',
    userId: 'r.user_id',
    at: 'r.updated_at',
    properties: `jsonb_build_object(${registration("'CANCELLED'")}, 'reason', CASE WHEN s.status = 'CANCELLED' THEN 'SESSION_CANCELLED' ELSE 'BY_USER' END)`,
  },
  {
    name: 'attendance.recorded',
    from: 'scheduling.attendance_records a JOIN scheduling.registrations r ON r.id = a.registration_id JOIN scheduling.training_sessions s ON s.id = r.session_id',
    key: 'a.registration_id::text',
    userId: 'a.user_id',
    at: 'a.recorded_at',
    properties: `jsonb_build_object(${registration('a.status')})`,
  },
  {
    name: 'coaching_session.booked',
    from: 'scheduling.coaching_sessions c',
    key: 'c.id::text',
    userId: 'c.learner_id',
    at: 'c.created_at',
    properties: "jsonb_build_object('coachingSessionId', c.id, 'trainerId', c.trainer_id, 'learnerId', c.learner_id)",
  },
  {
    name: 'coaching_session.cancelled',
    from: "scheduling.coaching_sessions c WHERE c.status = 'CANCELLED' AND c.cancelled_at IS NOT NULL",
    key: 'c.id::text',
    userId: 'c.learner_id',
    at: 'c.cancelled_at',
    properties: "jsonb_build_object('coachingSessionId', c.id, 'trainerId', c.trainer_id, 'learnerId', c.learner_id)",
  },
  {
    name: 'event.scheduled',
    from: 'scheduling.events v',
    key: 'v.id::text',
    userId: 'NULL::uuid',
    at: 'v.created_at',
    properties: "jsonb_build_object('eventId', v.id, 'slug', v.slug)",
  },
  {
    name: 'order.paid',
    from: 'commerce.orders o WHERE o.paid_at IS NOT NULL',
    key: 'o.id::text',
    userId: 'o.user_id',
    at: 'o.paid_at',
    properties: `jsonb_build_object('orderId', o.id, 'userId', o.user_id, 'items', ${orderItems})`,
  },
  {
    name: 'refund.decided',
    from: 'commerce.refunds f JOIN commerce.orders o ON o.id = f.order_id WHERE f.decided_at IS NOT NULL',
    key: 'f.id::text',
    userId: 'o.user_id',
    at: 'f.decided_at',
    properties: `jsonb_build_object('refundId', f.id, 'orderId', o.id, 'userId', o.user_id, 'approved', f.status <> 'REJECTED',
      'amount', jsonb_build_object('amountMinor', f.amount_minor, 'currency', f.currency))`,
  },
  {
    // A full refund ends every item; a partial one the items it names, which the seed does not keep.
    name: 'order.refunded',
    from: "commerce.refunds f JOIN commerce.orders o ON o.id = f.order_id WHERE f.status = 'COMPLETED' AND f.processed_at IS NOT NULL",
    key: 'f.id::text',
    userId: 'o.user_id',
    at: 'f.processed_at',
    properties: `jsonb_build_object('orderId', o.id, 'userId', o.user_id, 'refundId', f.id, 'full', f.amount_minor = o.total_minor,
      'items', CASE WHEN f.amount_minor = o.total_minor THEN ${orderItems} ELSE '[]'::jsonb END)`,
  },
];

/**
 * One statement adding the domain events of the last 90 days to ai_analytics.analytics_events,
 * from the seeded tables (so every one matches its row: user, time, ids), after the client
 * events: the insert trigger adds them to the rollups. Each has the unique source event id a
 * consumer would store, so a replayed delivery of it would add nothing.
 */
export function domainAnalyticsEvents(anchor: number): string {
  const from = iso(anchor - WINDOW);
  const to = iso(anchor);
  const selects = SOURCES.map(
    (s) => `SELECT '${s.name}' AS name, ${s.userId} AS user_id, ${s.at} AS occurred_at, ${s.properties} AS properties, ${eventId(s.name, s.key)} AS source_event_id
      FROM ${s.from}`,
  );
  return `
    INSERT INTO ai_analytics.analytics_events (name, user_id, occurred_at, received_at, properties, source_event_id)
    SELECT d.name, d.user_id, d.occurred_at, d.occurred_at + interval '2 seconds', d.properties, d.source_event_id
    FROM (${selects.join('\n      UNION ALL ')}) d
    WHERE d.occurred_at >= '${from}'::timestamptz AND d.occurred_at < '${to}'::timestamptz
    ORDER BY d.occurred_at, d.source_event_id`;
}

/** A whole-bucket series over [from, to) in UTC, as the figures compute it from the rollups, as JSON. */
function seriesJson(metric: string, unit: 'day' | 'week', name: string, value: 'events' | 'actors'): string {
  return `(
    WITH buckets AS (
      -- UTC wall-clock arithmetic: the session's own time zone plays no part.
      SELECT b AT TIME ZONE 'UTC' AS start, (b + interval '1 ${unit}') AT TIME ZONE 'UTC' AS stop
      FROM generate_series(w.from_at AT TIME ZONE 'UTC', (w.to_at AT TIME ZONE 'UTC') - interval '1 microsecond', interval '1 ${unit}') AS b
    ), figures AS (
      SELECT b.start,
        coalesce((SELECT sum(h.events) FROM ai_analytics.event_hour_counts h
                  WHERE h.name = '${name}' AND h.hour >= b.start AND h.hour < b.stop), 0)::float8 AS events,
        coalesce((SELECT c.actors FROM ai_analytics.event_actor_counts c
                  WHERE c.name = '${name}' AND c.period_unit = '${unit}' AND c.period_start = b.start), 0) AS actors
      FROM buckets b
    ), shown AS (
      SELECT start, (actors > 0 AND actors < ${MIN_GROUP_SIZE}) AS withheld,
        CASE WHEN actors > 0 AND actors < ${MIN_GROUP_SIZE} THEN 0 ELSE ${value}::float8 END AS value
      FROM figures
    )
    SELECT jsonb_build_object('metric', '${metric}', 'total', coalesce(sum(value), 0),
      'points', coalesce(jsonb_agg(jsonb_build_object('bucket', ${isoText('start')}, 'value', value, 'withheld', withheld) ORDER BY start), '[]'))
    FROM shown)`;
}

/** A timestamptz as JavaScript's toISOString writes it. */
const isoText = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The actors reaching each step, in order, strictly after the step before, within [from, to), as funnelCounts counts them. */
function funnelJson(steps: readonly string[]): string {
  const reached = steps.map((step, k) =>
    k === 0
      ? `step0 AS (SELECT e.actor, min(e.occurred_at) AS at FROM ai_analytics.analytics_events e
          WHERE e.name = '${step}' AND e.actor IS NOT NULL AND e.occurred_at >= w.from_at AND e.occurred_at < w.to_at GROUP BY e.actor)`
      : `step${k} AS (SELECT e.actor, min(e.occurred_at) AS at FROM ai_analytics.analytics_events e
          JOIN step${k - 1} p ON p.actor = e.actor AND e.occurred_at > p.at
          WHERE e.name = '${step}' AND e.occurred_at < w.to_at GROUP BY e.actor)`,
  );
  const counts = steps.map((step, k) => `SELECT ${k} AS k, '${step}' AS name, (SELECT count(*) FROM step${k})::int AS users`);
  return `(
    WITH ${reached.join(', ')},
    counted AS (${counts.join(' UNION ALL ')}),
    flagged AS (SELECT k, name, users, users > 0 AND users < ${MIN_GROUP_SIZE} AS withheld FROM counted),
    paired AS (SELECT f.*, lag(f.users) OVER (ORDER BY f.k) AS previous, lag(f.withheld) OVER (ORDER BY f.k) AS previous_withheld FROM flagged f)
    SELECT jsonb_agg(jsonb_build_object(
      'name', name,
      'users', CASE WHEN withheld THEN 0 ELSE users END,
      'conversionFromPrevious', CASE WHEN previous IS NULL OR withheld OR previous_withheld THEN NULL
                                     WHEN previous = 0 THEN 0 ELSE users::float8 / previous END,
      'withheld', withheld) ORDER BY k)
    FROM paired)`;
}

/** A saved report of the demo analyst, with the window it is computed over. */
interface DemoReport {
  name: string;
  type: 'ACTIVE_USERS' | 'EVENT_COUNTS' | 'FUNNEL';
  window: { last: number; unit: 'DAY' | 'WEEK' };
  shared: boolean;
  eventName: string | null;
  steps: string[] | null;
}

const DEMO_REPORTS: DemoReport[] = [
  { name: 'Enrollments per day, last 30 days', type: 'EVENT_COUNTS', window: { last: 30, unit: 'DAY' }, shared: true, eventName: 'enrollment.created', steps: null },
  { name: 'Weekly active users, last 12 weeks', type: 'ACTIVE_USERS', window: { last: 12, unit: 'WEEK' }, shared: false, eventName: null, steps: null },
  { name: 'Course page to paid checkout, last 30 days', type: 'FUNNEL', window: { last: 30, unit: 'DAY' }, shared: true, eventName: null, steps: ['course_viewed', 'checkout_started', 'checkout_completed'] },
];

/**
 * The demo analyst's saved reports, computed a minute before the anchor over the analytics
 * loaded before them (client and domain events): windows, buckets and withholding as
 * subgraphs/ai-analytics computes them (UTC, whole buckets), so refreshing one changes only
 * what time has added.
 */
export function demoAnalyticsReports(rng: Prng, anchor: number, analystId: string): TableRows {
  const computedAt = iso(anchor - MINUTE);
  const rows = DEMO_REPORTS.map((report) => {
    const unit = report.window.unit.toLowerCase() as 'day' | 'week';
    const parameters = JSON.stringify({
      range: null,
      window: report.window,
      granularity: report.type === 'FUNNEL' ? null : report.window.unit,
      timeZone: 'UTC',
      eventName: report.eventName,
      steps: report.steps,
    });
    const series = report.type === 'FUNNEL' ? 'NULL::jsonb' : report.type === 'ACTIVE_USERS' ? seriesJson('activeUsers', unit, '*', 'actors') : seriesJson(report.eventName!, unit, report.eventName!, 'events');
    const steps = report.type === 'FUNNEL' ? funnelJson(report.steps!) : 'NULL::jsonb';
    return `SELECT '${rng.uuid()}'::uuid AS id, '${report.name}' AS name, '${report.type}' AS report_type, '${parameters}'::jsonb AS parameters,
        ${report.shared} AS shared,
        jsonb_build_object('range', jsonb_build_object('from', ${isoText('w.from_at')}, 'to', ${isoText('w.to_at')}),
          'series', ${series}, 'funnelSteps', ${steps}) AS result
      FROM (SELECT (date_trunc('${unit}', '${computedAt}'::timestamptz AT TIME ZONE 'UTC') - interval '${report.window.last - 1} ${unit}') AT TIME ZONE 'UTC' AS from_at,
                   (date_trunc('${unit}', '${computedAt}'::timestamptz AT TIME ZONE 'UTC') + interval '1 ${unit}') AT TIME ZONE 'UTC' AS to_at) w`;
  });
  const fill = `
    INSERT INTO ai_analytics.analytics_reports (id, name, report_type, parameters, shared, result, computed_at, created_by, created_at, updated_at)
    SELECT r.id, r.name, r.report_type, r.parameters, r.shared, r.result, '${computedAt}', '${analystId}', '${computedAt}', '${computedAt}'
    FROM (${rows.join('\n      UNION ALL ')}) r`;
  return { table: 'ai_analytics.analytics_reports', total: DEMO_REPORTS.length, rows: [], fill };
}
