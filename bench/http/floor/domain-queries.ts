// The floor's SQL for the reads of the other domains (catalogue search, sessions with seats and
// price, the signed-in lists, an analyst figure): one prepared statement per operation, shaped as
// JSON by PostgreSQL in the response's order, with what the API does outside SQL (formatting
// money, the viewer's rights) done here as the subgraphs do it. Lists are ordered as the
// subgraphs order them, so the answers are the GraphQL API's.
import type pg from 'pg';
import { formatMoney } from '../../../packages/service-kit/src/money.js';
import type { Viewer } from '../access-token.js';
import { MY_PAGE_SIZE, SEARCH_PAGE_SIZE, SESSIONS_PAGE_SIZE } from '../operations.js';
import { BadInputError, iso, uuidOf } from './queries.js';

interface MoneyRow {
  amountMinor: number;
  currency: string;
  formatted?: string;
}

const withFormatted = (money: MoneyRow | null): MoneyRow | null => {
  if (money) money.formatted = formatMoney(money.amountMinor, money.currency);
  return money;
};

/** As learning's catalogue search: the query in the course's language or as typed, ranked by ts_rank, ties by id (both descending). */
const SEARCH_SQL = `
  WITH found AS (
    SELECT c.id, c.title, c.level,
      ts_rank(c.search, websearch_to_tsquery(learning.lang_config(c.language), $1) || websearch_to_tsquery('simple', $1)) AS rank
    FROM learning.courses c
    WHERE c.status = 'PUBLISHED'
      AND c.search @@ learning.search_any_language($1)
      AND c.search @@ (websearch_to_tsquery(learning.lang_config(c.language), $1) || websearch_to_tsquery('simple', $1))
  )
  SELECT (SELECT count(*) FROM found)::int AS total_count,
    (SELECT coalesce(json_agg(json_build_object('node', json_build_object(
        'id', f.id, 'title', f.title, 'level', f.level,
        'price', (SELECT json_build_object('amountMinor', pr.amount_minor, 'currency', pr.currency) FROM commerce.prices pr WHERE pr.course_id = f.id)
      )) ORDER BY f.rank DESC, f.id DESC), '[]')
     FROM (SELECT * FROM found ORDER BY rank DESC, id DESC LIMIT ${SEARCH_PAGE_SIZE}) f) AS edges`;

/** As scheduling's trainingSessions (by start, then id) with commerce's seat price: the session's own, else its course's. */
const SESSIONS_SQL = `
  WITH filtered AS (
    SELECT s.* FROM scheduling.training_sessions s WHERE s.course_id = $1 AND s.seats_taken < s.capacity
  )
  SELECT (SELECT count(*) FROM filtered)::int AS total_count,
    (SELECT coalesce(json_agg(json_build_object('node', json_build_object(
        'id', s.id, 'startsAt', ${iso('s.starts_at')}, 'status', s.status, 'capacity', s.capacity,
        'seatsAvailable', greatest(0, s.capacity - s.seats_taken),
        'price', (SELECT json_build_object('amountMinor', p.amount_minor, 'currency', p.currency) FROM commerce.prices p
                  WHERE p.session_id = s.id OR p.course_id = s.course_id ORDER BY (p.session_id IS NULL) LIMIT 1),
        'venue', (SELECT json_build_object('name', v.name) FROM scheduling.venues v WHERE v.id = s.venue_id)
      )) ORDER BY s.starts_at, s.id), '[]')
     FROM (SELECT * FROM filtered ORDER BY starts_at, id LIMIT ${SESSIONS_PAGE_SIZE}) s) AS edges`;

/** As learning's User.enrollments: newest first, ties by id. */
const MY_ENROLLMENTS_SQL = `
  SELECT (SELECT count(*) FROM learning.enrollments e WHERE e.user_id = $1)::int AS total_count,
    (SELECT coalesce(json_agg(json_build_object('node', json_build_object(
        'id', e.id, 'status', e.status, 'progressPercent', e.progress_percent, 'enrolledAt', ${iso('e.enrolled_at')},
        'completedAt', CASE WHEN e.completed_at IS NULL THEN NULL ELSE ${iso('e.completed_at')} END,
        'course', (SELECT json_build_object('id', c.id, 'title', c.title) FROM learning.courses c WHERE c.id = e.course_id)
      )) ORDER BY e.enrolled_at DESC, e.id DESC), '[]')
     FROM (SELECT * FROM learning.enrollments e WHERE e.user_id = $1 ORDER BY e.enrolled_at DESC, e.id DESC LIMIT ${MY_PAGE_SIZE}) e) AS edges`;

/** As scheduling's User.registrations: by session start, then registration id. */
const MY_REGISTRATIONS_SQL = `
  SELECT coalesce(json_agg(json_build_object(
      'id', r.id, 'status', r.status, 'createdAt', ${iso('r.created_at')},
      'session', json_build_object('id', s.id, 'startsAt', ${iso('s.starts_at')},
        'course', (SELECT json_build_object('title', c.title) FROM learning.courses c WHERE c.id = s.course_id))
    ) ORDER BY s.starts_at, r.id), '[]') AS registrations
  FROM scheduling.registrations r JOIN scheduling.training_sessions s ON s.id = r.session_id
  WHERE r.user_id = $1`;

/** As commerce's User.orders: newest first, ties by id; items in their position. */
const MY_ORDERS_SQL = `
  SELECT (SELECT count(*) FROM commerce.orders o WHERE o.user_id = $1)::int AS total_count,
    (SELECT coalesce(json_agg(json_build_object('node', json_build_object(
        'id', o.id, 'reference', o.reference, 'status', o.status, 'createdAt', ${iso('o.created_at')},
        'paidAt', CASE WHEN o.paid_at IS NULL THEN NULL ELSE ${iso('o.paid_at')} END,
        'total', json_build_object('amountMinor', o.total_minor, 'currency', o.currency),
        'items', (SELECT coalesce(json_agg(json_build_object('kind', i.kind, 'description', i.description, 'quantity', i.quantity) ORDER BY i.position), '[]')
                  FROM commerce.order_items i WHERE i.order_id = o.id)
      )) ORDER BY o.created_at DESC, o.id DESC), '[]')
     FROM (SELECT * FROM commerce.orders o WHERE o.user_id = $1 ORDER BY o.created_at DESC, o.id DESC LIMIT ${MY_PAGE_SIZE}) o) AS edges`;

/** As commerce's revenuePerBucket by UTC day: paid orders in, completed refunds' net out, every day present. */
const REVENUE_SQL = `
  WITH buckets AS (
    SELECT b AT TIME ZONE 'UTC' AS start, (b + interval '1 day') AT TIME ZONE 'UTC' AS stop
    FROM generate_series(date_trunc('day', $1::timestamptz AT TIME ZONE 'UTC'),
                         date_trunc('day', ($2::timestamptz - interval '1 microsecond') AT TIME ZONE 'UTC'), interval '1 day') AS b
  ), moves AS (
    SELECT paid_at AS at, total_minor::bigint AS amount FROM commerce.orders
    WHERE currency = $3 AND status IN ('PAID', 'PARTIALLY_REFUNDED', 'REFUNDED') AND paid_at >= $1::timestamptz AND paid_at < $2::timestamptz
    UNION ALL
    SELECT processed_at, -net_minor::bigint FROM commerce.refunds
    WHERE status = 'COMPLETED' AND currency = $3 AND processed_at >= $1::timestamptz AND processed_at < $2::timestamptz
  )
  SELECT coalesce(json_agg(json_build_object('bucket', ${iso('start')}, 'value', value) ORDER BY start), '[]') AS points
  FROM (SELECT buckets.start, coalesce(sum(moves.amount), 0)::float8 AS value
        FROM buckets LEFT JOIN moves ON moves.at >= buckets.start AND moves.at < buckets.stop
        GROUP BY buckets.start) per_day`;

/** A viewer without the role an operation needs (FORBIDDEN). */
export class ForbiddenError extends Error {}

export async function search(pool: pg.Pool, variables: Record<string, unknown>): Promise<unknown> {
  const text = typeof variables.search === 'string' ? variables.search.trim() : null;
  if (text === null) throw new BadInputError('"search" is required');
  if (text.length > 200) throw new BadInputError('"search" must be at most 200 characters.');
  if (text === '') throw new BadInputError('the floor answers only a non-empty search');
  const { rows } = await pool.query<{ total_count: number; edges: { node: { price: MoneyRow | { formatted: string } | null } }[] }>({
    name: 'search',
    text: SEARCH_SQL,
    values: [text],
  });
  const row = rows[0]!;
  for (const { node } of row.edges) {
    const price = node.price as MoneyRow | null;
    node.price = price && { formatted: formatMoney(price.amountMinor, price.currency) };
  }
  return { courses: { totalCount: row.total_count, edges: row.edges } };
}

export async function sessions(pool: pg.Pool, variables: Record<string, unknown>): Promise<unknown> {
  const courseId = uuidOf(variables.courseId, 'courseId');
  const { rows } = await pool.query<{ total_count: number; edges: { node: { price: MoneyRow | null } }[] }>({ name: 'sessions', text: SESSIONS_SQL, values: [courseId] });
  const row = rows[0]!;
  for (const { node } of row.edges) withFormatted(node.price);
  return { trainingSessions: { totalCount: row.total_count, edges: row.edges } };
}

export async function myEnrollments(pool: pg.Pool, viewer: Viewer | null): Promise<unknown> {
  if (!viewer) return { me: null };
  const { rows } = await pool.query<{ total_count: number; edges: unknown[] }>({ name: 'my-enrollments', text: MY_ENROLLMENTS_SQL, values: [viewer.userId] });
  return { me: { id: viewer.userId, enrollments: { totalCount: rows[0]!.total_count, edges: rows[0]!.edges } } };
}

export async function myRegistrations(pool: pg.Pool, viewer: Viewer | null): Promise<unknown> {
  if (!viewer) return { me: null };
  const { rows } = await pool.query<{ registrations: unknown[] }>({ name: 'my-registrations', text: MY_REGISTRATIONS_SQL, values: [viewer.userId] });
  return { me: { id: viewer.userId, registrations: rows[0]!.registrations } };
}

export async function myOrders(pool: pg.Pool, viewer: Viewer | null): Promise<unknown> {
  if (!viewer) return { me: null };
  const { rows } = await pool.query<{ total_count: number; edges: { node: { total: MoneyRow } }[] }>({ name: 'my-orders', text: MY_ORDERS_SQL, values: [viewer.userId] });
  const row = rows[0]!;
  for (const { node } of row.edges) withFormatted(node.total);
  return { me: { id: viewer.userId, orders: { totalCount: row.total_count, edges: row.edges } } };
}

const DAY_MS = 86_400_000;

/** Revenue per UTC day; ANALYST and ADMIN only, at most 400 days, as commerce's revenueStats. */
export async function revenue(pool: pg.Pool, variables: Record<string, unknown>, viewer: Viewer | null): Promise<unknown> {
  if (!viewer?.roles.some((role) => role === 'ANALYST' || role === 'ADMIN')) throw new ForbiddenError('ANALYST or ADMIN only.');
  const range = variables.range as { from?: unknown; to?: unknown } | undefined;
  const from = typeof range?.from === 'string' ? new Date(range.from) : null;
  const to = typeof range?.to === 'string' ? new Date(range.to) : null;
  const currency = variables.currency;
  if (!from || !to || Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new BadInputError('"range" needs "from" and "to"');
  if (from.getTime() >= to.getTime()) throw new BadInputError('"range.from" must be before "range.to".');
  if (to.getTime() - from.getTime() > 400 * DAY_MS) throw new BadInputError('The range spans at most 400 days.');
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) throw new BadInputError('"currency" must be an ISO 4217 code, e.g. GBP.');
  const { rows } = await pool.query<{ points: { bucket: string; value: number }[] }>({ name: 'revenue', text: REVENUE_SQL, values: [from, to, currency] });
  const points = rows[0]!.points;
  return { revenueStats: { metric: `revenue:${currency}`, total: points.reduce((sum, p) => sum + p.value, 0), points } };
}
