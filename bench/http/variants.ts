// The requests of each operation: real courses, users and rooms of the seeded data. `me` and
// the chat room need a signed-in viewer and are sent with an access token as identity would
// issue it; the catalogue and course pages are public and sent without. Picked by SQL once per
// run, in a fixed order, so that runs on the same data send the same requests. The reads of the
// other domains are chosen in domain-variants.ts, the writes in writes.ts (on data no read shows).
import type { KeyObject } from 'node:crypto';
import pg from 'pg';
import { mintAccessToken, ROLES, type Role } from './access-token.js';
import { CATALOGUE_PAGE_SIZE, OPERATIONS, type OperationName } from './operations.js';
import { chooseDomainVariants } from './domain-variants.js';
import { chooseWrites, notBookedByRuns, type BookingPool, type FlowStep } from './writes.js';

/** One request of an operation, ready to send. */
export interface Variant {
  operation: OperationName;
  /** For messages: the operation and what it asks about. */
  label: string;
  /** The JSON request body. */
  body: string;
  headers: Record<string, string>;
  /** What is wrong with an answer's `data` for this request, if anything: a check of the reference answer. */
  problem(data: unknown): string | null;
  /** A write's step: its request is built when sent and its answer checked by the step, not against a reference. */
  step?: FlowStep;
}

/** Requests per operation (different courses, users, rooms). */
export const VARIANTS_PER_OPERATION = 20;

export type Data = Record<string, unknown> | null | undefined;

export function request(operation: OperationName, label: string, variables: Record<string, unknown>, token: string | null, problem: Variant['problem']): Variant {
  return {
    operation,
    label: `${operation} ${label}`,
    body: JSON.stringify({ query: OPERATIONS[operation].query, variables }),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    problem,
  };
}

export const rolesOf = (roles: string[]): Role[] => roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r));

/**
 * The requests of every operation, and the pool of sessions the bookings draw on (scheduled
 * through our gateway at `gatewayUrl`).
 */
export async function chooseVariants(
  adminUrl: string,
  gatewayUrl: string,
  key: { privateKey: KeyObject; keyId: string },
): Promise<{ variants: Record<OperationName, Variant[]>; bookings: BookingPool }> {
  const db = new pg.Client({ connectionString: adminUrl });
  await db.connect();
  try {
    const n = VARIANTS_PER_OPERATION;
    // Courses with sessions ahead first, so that the course page has all its parts (never the
    // course the bookings go to: its seats change during a run).
    const courses = await db.query<{ id: string }>(
      `SELECT c.id FROM learning.courses c WHERE c.status = 'PUBLISHED' AND ${notBookedByRuns('c.id')}
       ORDER BY EXISTS (SELECT 1 FROM scheduling.training_sessions s
                        WHERE s.course_id = c.id AND s.starts_at > now() AND s.status IN ('SCHEDULED', 'CONFIRMED')) DESC, c.id
       LIMIT $1`,
      [n],
    );
    const users = await db.query<{ id: string; roles: string[] }>(
      `SELECT u.id, coalesce(array_agg(r.role ORDER BY r.role) FILTER (WHERE r.role IS NOT NULL), '{}') AS roles
       FROM identity.users u LEFT JOIN identity.user_roles r ON r.user_id = u.id
       GROUP BY u.id ORDER BY u.id LIMIT $1`,
      [n],
    );
    // The busiest rooms (full pages of history), each opened by its first member.
    const rooms = await db.query<{ room_id: string; user_id: string; roles: string[] }>(
      `SELECT r.id AS room_id, m.user_id,
         coalesce((SELECT array_agg(ur.role ORDER BY ur.role) FROM identity.user_roles ur WHERE ur.user_id = m.user_id), '{}') AS roles
       FROM community.chat_rooms r
       CROSS JOIN LATERAL (SELECT user_id FROM community.chat_room_members WHERE room_id = r.id ORDER BY joined_at, user_id LIMIT 1) m
       ORDER BY r.last_sequence DESC, r.id LIMIT $1`,
      [n],
    );
    if (courses.rows.length === 0 || users.rows.length === 0 || rooms.rows.length === 0) {
      throw new Error('the database has no published course, user or chat room: was it seeded?');
    }
    const token = (userId: string, roles: string[]) => mintAccessToken({ userId, roles: rolesOf(roles) }, key);
    const domain = await chooseDomainVariants(db, { courseIds: courses.rows.map((row) => row.id), token });
    // The writes keep off everything the reads show: their users, rooms, and the courses whose sessions they list.
    const firstPage = await db.query<{ id: string }>(`SELECT id FROM learning.courses WHERE status = 'PUBLISHED' ORDER BY title, id LIMIT $1`, [CATALOGUE_PAGE_SIZE]);
    const writes = await chooseWrites(db, {
      gatewayUrl,
      key,
      variants: n,
      exclude: {
        users: new Set([...domain.readers, ...users.rows.map((row) => row.id), ...rooms.rows.map((row) => row.user_id)]),
        courses: new Set([...courses.rows, ...firstPage.rows].map((row) => row.id)),
        rooms: new Set(rooms.rows.map((row) => row.room_id)),
      },
    });
    const variants: Record<OperationName, Variant[]> = {
      catalogue: [
        request('catalogue', `first ${CATALOGUE_PAGE_SIZE}`, { first: CATALOGUE_PAGE_SIZE }, null, (data) => {
          const page = (data as Data)?.courses as { totalCount?: number; edges?: unknown[] } | undefined;
          if (!page?.totalCount) return 'no courses';
          return page.edges?.length === Math.min(CATALOGUE_PAGE_SIZE, page.totalCount) ? null : 'a short page';
        }),
      ],
      course: courses.rows.map(({ id }) =>
        request('course', id, { id }, null, (data) => (((data as Data)?.course as { id?: string } | null)?.id === id ? null : 'no course')),
      ),
      me: await Promise.all(
        users.rows.map(async ({ id, roles }) =>
          request('me', id, {}, await token(id, roles), (data) => (((data as Data)?.me as { id?: string } | null)?.id === id ? null : 'not the signed-in user')),
        ),
      ),
      ...domain.variants,
      chatRoom: await Promise.all(
        rooms.rows.map(async ({ room_id, user_id, roles }) =>
          request('chatRoom', room_id, { id: room_id }, await token(user_id, roles), (data) =>
            (((data as Data)?.chatRoom as { id?: string } | null)?.id === room_id ? null : 'no room for its member'),
          ),
        ),
      ),
      booking: writes.booking,
      sendMessage: writes.sendMessage,
    };
    return { variants, bookings: writes.pool };
  } finally {
    await db.end();
  }
}

/** A line about the data the run used. */
export async function describeData(adminUrl: string): Promise<string> {
  const db = new pg.Client({ connectionString: adminUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ users: string; courses: string; sessions: string; messages: string }>(
      `SELECT (SELECT count(*) FROM identity.users) AS users,
              (SELECT count(*) FROM learning.courses WHERE status = 'PUBLISHED') AS courses,
              (SELECT count(*) FROM scheduling.training_sessions) AS sessions,
              (SELECT count(*) FROM community.chat_messages) AS messages`,
    );
    const row = rows[0]!;
    const n = (value: string) => Number(value).toLocaleString('en-GB');
    return `${n(row.users)} users, ${n(row.courses)} published courses, ${n(row.sessions)} training sessions, ${n(row.messages)} chat messages`;
  } finally {
    await db.end();
  }
}
