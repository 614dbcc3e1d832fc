// The floor's SQL: each operation of the benchmark answered by one prepared statement over the
// whole database, shaped as JSON by PostgreSQL in the order the GraphQL response has it. What
// is left for JavaScript is what the API also does outside SQL: formatting money (Intl) and
// encoding cursors. Lists are ordered as the subgraphs order them, so the answers are the
// GraphQL API's to the byte.
import type pg from 'pg';
import { formatMoney } from '../../../packages/service-kit/src/money.js';
import { CATALOGUE_PAGE_SIZE, CHAT_PAGE_SIZE } from '../operations.js';
import type { Viewer } from '../access-token.js';

/** A timestamptz as the DateTime scalar writes it (Date.prototype.toISOString). */
export const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The next five sessions open for registration of course `courseId`, soonest first (as scheduling's upcomingSessions). */
const upcomingSessions = (courseId: string, fields: string) => `
  (SELECT coalesce(json_agg(json_build_object(${fields}) ORDER BY s.starts_at, s.id), '[]')
   FROM (SELECT * FROM scheduling.training_sessions s
         WHERE s.course_id = ${courseId} AND s.starts_at > now() AND s.status IN ('SCHEDULED', 'CONFIRMED')
         ORDER BY s.starts_at, s.id LIMIT 5) s
   LEFT JOIN scheduling.venues v ON v.id = s.venue_id)`;

const CATALOGUE_SQL = `
  WITH published AS (SELECT c.id, c.title, c.author_id FROM learning.courses c WHERE c.status = 'PUBLISHED')
  SELECT (SELECT count(*) FROM published)::int AS total_count,
    (SELECT coalesce(json_agg(json_build_object('node', json_build_object(
        'title', p.title,
        'author', (SELECT json_build_object('displayName', u.display_name) FROM identity.users u WHERE u.id = p.author_id),
        'price', (SELECT json_build_object('amountMinor', pr.amount_minor, 'currency', pr.currency) FROM commerce.prices pr WHERE pr.course_id = p.id),
        'upcomingSessions', ${upcomingSessions('p.id', `'startsAt', ${iso('s.starts_at')}, 'venue', CASE WHEN v.id IS NULL THEN NULL ELSE json_build_object('name', v.name) END`)}
      )) ORDER BY p.title, p.id), '[]')
     FROM (SELECT * FROM published ORDER BY title, id LIMIT $1) p) AS edges`;

const COURSE_SQL = `
  SELECT json_build_object(
    'id', c.id, 'title', c.title, 'summary', c.summary, 'level', c.level, 'durationMinutes', c.duration_minutes,
    'author', (SELECT json_build_object('displayName', u.display_name) FROM identity.users u WHERE u.id = c.author_id),
    'price', (SELECT json_build_object('amountMinor', pr.amount_minor, 'currency', pr.currency) FROM commerce.prices pr WHERE pr.course_id = c.id),
    'modules', (SELECT coalesce(json_agg(json_build_object(
        'title', m.title, 'position', m.position,
        'lessons', (SELECT coalesce(json_agg(json_build_object('title', l.title, 'kind', l.kind, 'position', l.position, 'durationMinutes', l.duration_minutes) ORDER BY l.position), '[]')
                    FROM learning.lessons l WHERE l.module_id = m.id)
      ) ORDER BY m.position), '[]') FROM learning.modules m WHERE m.course_id = c.id),
    'upcomingSessions', ${upcomingSessions(
      'c.id',
      `'id', s.id, 'startsAt', ${iso('s.starts_at')}, 'endsAt', ${iso('s.ends_at')}, 'seatsAvailable', greatest(0, s.capacity - s.seats_taken),
       'venue', CASE WHEN v.id IS NULL THEN NULL ELSE json_build_object('name', v.name, 'city', v.city) END`,
    )}
  ) AS course
  FROM learning.courses c
  WHERE c.id = $1 AND (c.status = 'PUBLISHED' OR $2::boolean OR c.author_id = $3::uuid)`;

const ME_SQL = `
  SELECT json_build_object(
    'id', u.id, 'email', u.email, 'firstName', u.first_name, 'lastName', u.last_name, 'displayName', u.display_name,
    'avatarUrl', u.avatar_url, 'bio', u.bio, 'timezone', u.timezone, 'language', u.language,
    'roles', (SELECT coalesce(json_agg(r.role ORDER BY r.role), '[]') FROM identity.user_roles r WHERE r.user_id = u.id),
    'createdAt', ${iso('u.created_at')}
  ) AS me
  FROM identity.users u WHERE u.id = $1`;

// One row more than the page: it only tells that older messages exist.
const CHAT_ROOM_SQL = `
  SELECT r.id, r.name, r.kind,
    (SELECT coalesce(json_agg(json_build_object('node', json_build_object(
        'id', m.id, 'sequence', m.sequence, 'content', CASE WHEN m.deleted_at IS NULL THEN m.content ELSE '' END,
        'sentAt', ${iso('m.sent_at')},
        'sender', CASE WHEN m.sender_id IS NULL THEN NULL ELSE json_build_object('displayName', u.display_name) END
      )) ORDER BY m.sequence), '[]')
     FROM (SELECT * FROM community.chat_messages m WHERE m.room_id = r.id ORDER BY m.sequence DESC LIMIT ${CHAT_PAGE_SIZE + 1}) m
     LEFT JOIN identity.users u ON u.id = m.sender_id) AS edges
  FROM community.chat_rooms r
  WHERE r.id = $1 AND EXISTS (SELECT 1 FROM community.chat_room_members mem WHERE mem.room_id = r.id AND mem.user_id = $2)`;

interface PriceRow {
  amountMinor: number;
  currency: string;
}

interface CourseNode {
  title: string;
  author: { displayName: string } | null;
  price: PriceRow | { formatted: string } | null;
  upcomingSessions: unknown[];
}

interface MessageEdge {
  node: { id: string; sequence: number };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A variable the API would refuse (BAD_USER_INPUT): the floor answers only well-formed requests. */
export class BadInputError extends Error {}

export function uuidOf(value: unknown, name: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new BadInputError(`"${name}" must be a UUID`);
  return value;
}

/** The catalogue page: the page of published courses by title, their total, authors, prices and next sessions. */
export async function catalogue(pool: pg.Pool, variables: Record<string, unknown>): Promise<unknown> {
  const first = variables.first ?? CATALOGUE_PAGE_SIZE;
  if (!Number.isInteger(first) || (first as number) < 0 || (first as number) > 100) throw new BadInputError('"first" must be between 0 and 100');
  const { rows } = await pool.query<{ total_count: number; edges: { node: CourseNode }[] }>({ name: 'catalogue', text: CATALOGUE_SQL, values: [first] });
  const row = rows[0]!;
  for (const { node } of row.edges) {
    const price = node.price as PriceRow | null;
    node.price = price && { formatted: formatMoney(price.amountMinor, price.currency) };
  }
  return { courses: { totalCount: row.total_count, edges: row.edges } };
}

/** A course page; unpublished courses only for ADMIN, CONTENT_AUTHOR and their author (as learning's Query.course). */
export async function course(pool: pg.Pool, variables: Record<string, unknown>, viewer: Viewer | null): Promise<unknown> {
  const id = uuidOf(variables.id, 'id');
  const seesUnpublished = Boolean(viewer?.roles.some((role) => role === 'ADMIN' || role === 'CONTENT_AUTHOR'));
  const { rows } = await pool.query<{ course: { price: (PriceRow & { formatted?: string }) | null } }>({
    name: 'course',
    text: COURSE_SQL,
    values: [id, seesUnpublished, viewer?.userId ?? null],
  });
  const found = rows[0]?.course ?? null;
  if (found?.price) found.price.formatted = formatMoney(found.price.amountMinor, found.price.currency);
  return { course: found };
}

/** The viewer's own profile; null when nobody is signed in. */
export async function me(pool: pg.Pool, viewer: Viewer | null): Promise<unknown> {
  if (!viewer) return { me: null };
  const { rows } = await pool.query<{ me: unknown }>({ name: 'me', text: ME_SQL, values: [viewer.userId] });
  return { me: rows[0]?.me ?? null };
}

/** A room and its last messages with their senders, for members only (null otherwise, as community answers). */
export async function chatRoom(pool: pg.Pool, variables: Record<string, unknown>, viewer: Viewer): Promise<unknown> {
  const id = uuidOf(variables.id, 'id');
  const { rows } = await pool.query<{ id: string; name: string | null; kind: string; edges: MessageEdge[] }>({
    name: 'chat-room',
    text: CHAT_ROOM_SQL,
    values: [id, viewer.userId],
  });
  const room = rows[0];
  if (!room) return { chatRoom: null };
  const hasPreviousPage = room.edges.length > CHAT_PAGE_SIZE;
  const edges = hasPreviousPage ? room.edges.slice(1) : room.edges;
  const first = edges[0];
  return {
    chatRoom: {
      id: room.id,
      name: room.name,
      kind: room.kind,
      messages: {
        edges,
        pageInfo: {
          hasPreviousPage,
          // The API's cursor: its sequence, as base64url JSON (service-kit's encodeCursor).
          startCursor: first ? Buffer.from(JSON.stringify([first.node.sequence])).toString('base64url') : null,
        },
      },
    },
  };
}
