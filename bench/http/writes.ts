// The writes of the HTTP benchmark: a booking (register for a priced session, check the seat out,
// pay with the local provider's tok_ok) and a chat message. A write's answer has new ids, times
// and numbers no reference can know, so each answer is checked by its step instead: its shape,
// and every value that can be known (the session, the price, the course's title, the status, the
// sender, the text). A booking is three requests on one connection, each built from the answer
// before it, so the steps carry their state in the connection's context.
//
// Bookings never run out: the harness schedules sessions of its own (far ahead, for a priced
// course no read of the benchmark shows sessions of, 1,000 seats at most each) and gives each
// booking a user and session pair never booked before, so no booking meets another's
// registration and no read's answer changes. Chat messages go to rooms the chat room read does
// not open, each sent by a member of the room.
import { randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type pg from 'pg';
import { mintAccessToken } from './access-token.js';
import { CHECKOUT, PAY, REGISTER, SEND_MESSAGE } from './operations.js';
import { rolesOf, type Variant } from './variants.js';

/** The join link of the sessions the harness schedules for bookings: how later runs know them. */
export const BOOKING_SESSION_URL = 'https://meet.example.com/bench-booking';

/**
 * A condition on the user `userColumn`: they never booked a session of the harness's (a past
 * run's booker). Reads keep off them, so that no read's answer grows from run to run.
 */
export const neverBooked = (userColumn: string) =>
  `NOT EXISTS (SELECT 1 FROM scheduling.registrations br JOIN scheduling.training_sessions bs ON bs.id = br.session_id
               WHERE br.user_id = ${userColumn} AND bs.online_join_url = '${BOOKING_SESSION_URL}')`;

/** A condition on the course `courseColumn`: the harness never scheduled bookings' sessions of it. */
export const notBookedByRuns = (courseColumn: string) =>
  `NOT EXISTS (SELECT 1 FROM scheduling.training_sessions bs WHERE bs.course_id = ${courseColumn} AND bs.online_join_url = '${BOOKING_SESSION_URL}')`;

/** What a connection remembers between the steps of a flow. */
export type FlowState = Record<string, unknown>;

/** One request of a write flow. */
export interface FlowStep {
  /** Its operation's text. */
  query: string;
  /** Its place in the flow and the flow's length. */
  index: number;
  count: number;
  /** The request, built when it is sent, from the state of the connection's flow (the first step starts one). */
  build(state: FlowState): { body: string; headers: Record<string, string> };
  /** What is wrong with the answer, or null; keeps what later steps need in `state`. */
  check(status: number, body: string, state: FlowState): string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const REFERENCE = /^BK-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{6}$/;
const INVOICE = /^INV-\d{4}-\d{6,}$/;

const json = (headers: Record<string, string>, query: string, variables: Record<string, unknown>) => ({
  body: JSON.stringify({ query, variables }),
  headers: { 'content-type': 'application/json', ...headers },
});

/** The `data` of a 200 answer without errors, or what is wrong with it. */
function dataOf(status: number, body: string): Record<string, unknown> | string {
  if (status !== 200) return `status ${status}: ${body.slice(0, 200)}`;
  let parsed: { data?: Record<string, unknown> | null; errors?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return `not JSON: ${body.slice(0, 200)}`;
  }
  if (parsed.errors) return `errors ${JSON.stringify(parsed.errors).slice(0, 300)}`;
  return parsed.data ?? 'no data';
}

/** The first field of `actual` that differs from `expected` (a RegExp matches a string), or null. */
function mismatch(actual: unknown, expected: unknown, path = '$'): string | null {
  if (expected instanceof RegExp) return typeof actual === 'string' && expected.test(actual) ? null : `${path}: ${JSON.stringify(actual)} does not match ${expected}`;
  if (typeof expected === 'function') return (expected as (v: unknown) => boolean)(actual) ? null : `${path}: ${JSON.stringify(actual)} is not as expected`;
  if (expected === null || typeof expected !== 'object') return actual === expected ? null : `${path}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`;
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual) !== Array.isArray(expected)) return `${path}: ${JSON.stringify(actual)?.slice(0, 100)} is not ${Array.isArray(expected) ? 'a list' : 'an object'}`;
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  for (const key of keys) {
    if (!(key in (expected as object))) return `${path}.${key}: not asked for`;
    const found = mismatch((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${path}.${key}`);
    if (found) return found;
  }
  return null;
}

const inTheFuture = (value: unknown) => typeof value === 'string' && ISO.test(value) && Date.parse(value) > Date.now() - 60_000;
const recent = (value: unknown) => typeof value === 'string' && ISO.test(value) && Math.abs(Date.parse(value) - Date.now()) < 10 * 60_000;
const positiveInteger = (value: unknown) => Number.isInteger(value) && (value as number) > 0;

/** A user that books, with its access token. */
export interface Booker {
  userId: string;
  token: string;
}

/**
 * The sessions bookings go to, and the user and session pair of each booking: the k-th booking
 * of the run is user k mod U at session ⌊k / U⌋, so no pair is booked twice. Sessions are
 * scheduled through the API (as ADMIN) before each measurement, enough for what it may book.
 */
export class BookingPool {
  readonly sessions: string[] = [];
  /** Bookings that found no pair (their requests fail): more than `ensure` allowed for. */
  missed = 0;
  private taken = 0;
  private nextStart: number;

  constructor(
    private readonly options: {
      gatewayUrl: string;
      adminToken: string;
      courseId: string;
      trainerId: string;
      /** Where the trainer is free from: after every session of theirs. */
      freeFrom: Date;
      bookers: Booker[];
    },
  ) {
    this.nextStart = Math.ceil(options.freeFrom.getTime() / 3_600_000) * 3_600_000 + 3_600_000;
  }

  get capacity(): number {
    return Math.min(1000, this.options.bookers.length);
  }

  /** Schedules sessions until `bookings` more bookings have a pair each. */
  async ensure(bookings: number): Promise<void> {
    const needed = Math.ceil((this.taken + bookings) / this.capacity);
    while (this.sessions.length < needed) this.sessions.push(await this.schedule());
  }

  private async schedule(): Promise<string> {
    const startsAt = new Date(this.nextStart);
    this.nextStart += 2 * 3_600_000;
    const input = {
      courseId: this.options.courseId,
      trainerId: this.options.trainerId,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
      capacity: this.capacity,
      onlineJoinUrl: BOOKING_SESSION_URL,
    };
    const response = await fetch(this.options.gatewayUrl, {
      method: 'POST',
      ...json({ authorization: `Bearer ${this.options.adminToken}` }, 'mutation($input: ScheduleSessionInput!) { scheduleTrainingSession(input: $input) { id } }', { input }),
      signal: AbortSignal.timeout(30_000),
    });
    const data = dataOf(response.status, await response.text());
    const id = typeof data === 'string' ? null : (data.scheduleTrainingSession as { id?: string } | null)?.id;
    if (!id) throw new Error(`scheduling a session for the bookings failed: ${typeof data === 'string' ? data : JSON.stringify(data)}`);
    return id;
  }

  /** The next booking's user and session; null when the pool has no pair left (more bookings than `ensure` allowed for). */
  take(): { booker: Booker; sessionId: string } | null {
    const k = this.taken++;
    const sessionId = this.sessions[Math.floor(k / this.capacity)];
    if (!sessionId) {
      this.missed += 1;
      return null;
    }
    return { booker: this.options.bookers[k % this.capacity]!, sessionId };
  }
}

/** What a booking's checks know in advance: the course's price and title as commerce has them. */
export interface BookingFacts {
  amountMinor: number;
  currency: string;
  formatted: string;
  courseTitle: string;
}

/** The booking flow's three steps. A step after a failed one is sent anyway (with the ids it has) and fails too. */
export function bookingSteps(pool: BookingPool, facts: BookingFacts): FlowStep[] {
  const auth = (state: FlowState) => ({ authorization: `Bearer ${(state.booker as Booker | undefined)?.token ?? 'none'}` });
  const register: FlowStep = {
    query: REGISTER,
    index: 0,
    count: 3,
    build(state) {
      for (const key of Object.keys(state)) delete state[key];
      const pair = pool.take();
      state.booker = pair?.booker;
      state.sessionId = pair?.sessionId ?? '00000000-0000-4000-8000-000000000000';
      return json(auth(state), REGISTER, { sessionId: state.sessionId });
    },
    check(status, body, state) {
      const data = dataOf(status, body);
      if (typeof data === 'string') return data;
      const problem = mismatch(data, { registerForSession: { id: UUID, status: 'PENDING_PAYMENT', holdExpiresAt: inTheFuture, session: { id: state.sessionId } } });
      if (!problem) state.registrationId = (data.registerForSession as { id: string }).id;
      return problem;
    },
  };
  const checkout: FlowStep = {
    query: CHECKOUT,
    index: 1,
    count: 3,
    build: (state) =>
      json(auth(state), CHECKOUT, { input: { items: [{ registrationId: state.registrationId ?? state.sessionId }], idempotencyKey: `bench-${randomUUID()}` } }),
    check(status, body, state) {
      const data = dataOf(status, body);
      if (typeof data === 'string') return data;
      const problem = mismatch(data, {
        checkout: {
          id: UUID,
          reference: REFERENCE,
          status: 'PENDING',
          total: { amountMinor: facts.amountMinor, currency: facts.currency, formatted: facts.formatted },
          items: [
            {
              kind: 'SESSION_SEAT',
              description: `Seat: ${facts.courseTitle}`,
              quantity: 1,
              unitPrice: { amountMinor: facts.amountMinor, currency: facts.currency },
              registration: { id: state.registrationId ?? null },
            },
          ],
        },
      });
      if (!problem) state.orderId = (data.checkout as { id: string }).id;
      return problem;
    },
  };
  const pay: FlowStep = {
    query: PAY,
    index: 2,
    count: 3,
    build: (state) => json(auth(state), PAY, { orderId: state.orderId ?? state.sessionId }),
    check(status, body, state) {
      const data = dataOf(status, body);
      if (typeof data === 'string') return data;
      const money = { amountMinor: facts.amountMinor, currency: facts.currency };
      return mismatch(data, {
        payOrder: {
          id: state.orderId ?? null,
          status: 'PAID',
          paidAt: recent,
          total: money,
          payments: [{ status: 'SUCCEEDED', provider: 'local', amount: money }],
          invoice: { number: INVOICE, total: money },
        },
      });
    },
  };
  return [register, checkout, pay];
}

/** A chat message to `roomId` by a member: the text it sends comes back, from its sender, numbered. */
export function sendMessageStep(input: { roomId: string; token: string; senderName: string; content: string }): FlowStep {
  const request = json({ authorization: `Bearer ${input.token}` }, SEND_MESSAGE, { roomId: input.roomId, content: input.content });
  return {
    query: SEND_MESSAGE,
    index: 0,
    count: 1,
    build: () => request,
    check(status, body) {
      const data = dataOf(status, body);
      if (typeof data === 'string') return data;
      return mismatch(data, { sendMessage: { id: UUID, sequence: positiveInteger, content: input.content, sentAt: recent, sender: { displayName: input.senderName } } });
    },
  };
}

/** A step as a request of the benchmark. */
export function stepVariant(operation: Variant['operation'], label: string, step: FlowStep): Variant {
  // The body stands for the request where one is needed in advance (the operation limits' check).
  return { operation, label: `${operation} ${label}`, body: JSON.stringify({ query: step.query, variables: {} }), headers: {}, problem: () => null, step };
}

/** Runs a flow once, step by step, on `url`; the first step's problem, if any. */
export async function runFlowOnce(url: string, steps: FlowStep[]): Promise<string | null> {
  const state: FlowState = {};
  for (const step of steps) {
    const { body, headers } = step.build(state);
    const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
    const problem = step.check(response.status, await response.text(), state);
    if (problem) return `step ${step.index + 1} of ${step.count}: ${problem}`;
  }
  return null;
}

/** The writes' requests and the pool their bookings draw on, chosen from the data. */
export async function chooseWrites(
  db: pg.Client,
  input: { gatewayUrl: string; key: { privateKey: KeyObject; keyId: string }; exclude: { users: Set<string>; courses: Set<string>; rooms: Set<string> }; variants: number },
): Promise<{ booking: Variant[]; sendMessage: Variant[]; pool: BookingPool }> {
  const exclude = { users: [...input.exclude.users], courses: [...input.exclude.courses], rooms: [...input.exclude.rooms] };
  // A priced, published course with a title in commerce's copy, whose sessions no read shows:
  // the one earlier runs booked, if any, so that bookings stay on one course run after run.
  const course = await db.query<{ id: string; title: string; amount_minor: number; currency: string }>(
    `SELECT c.id, cc.title, p.amount_minor, p.currency
     FROM learning.courses c JOIN commerce.prices p ON p.course_id = c.id JOIN commerce.courses cc ON cc.id = c.id
     WHERE c.status = 'PUBLISHED' AND p.amount_minor > 0 AND NOT (c.id = ANY($1::uuid[]))
     ORDER BY ${notBookedByRuns('c.id')}, c.id LIMIT 1`,
    [exclude.courses],
  );
  const trainer = await db.query<{ id: string; free_from: Date }>(
    `SELECT t.id, greatest(now() + interval '400 days', (SELECT max(s.ends_at) FROM scheduling.training_sessions s WHERE s.trainer_id = t.id)) AS free_from
     FROM scheduling.trainers t
     WHERE t.is_active AND (t.qualification_expires_at IS NULL OR t.qualification_expires_at > now() + interval '3 years')
     ORDER BY t.id LIMIT 1`,
  );
  const admin = await db.query<{ user_id: string }>(`SELECT user_id FROM identity.user_roles WHERE role = 'ADMIN' ORDER BY user_id LIMIT 1`);
  const bookers = await db.query<{ id: string; roles: string[] }>(
    `SELECT u.id, coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM identity.user_roles r WHERE r.user_id = u.id), '{}') AS roles
     FROM identity.users u WHERE NOT (u.id = ANY($1::uuid[])) ORDER BY u.id LIMIT 1000`,
    [exclude.users],
  );
  // Rooms the chat room read does not open, each with a member who is not muted there.
  const senders = await db.query<{ room_id: string; user_id: string; display_name: string; roles: string[] }>(
    `SELECT r.id AS room_id, m.user_id, u.display_name,
       coalesce((SELECT array_agg(ur.role ORDER BY ur.role) FROM identity.user_roles ur WHERE ur.user_id = m.user_id), '{}') AS roles
     FROM community.chat_rooms r
     CROSS JOIN LATERAL (SELECT mem.user_id FROM community.chat_room_members mem
                         WHERE mem.room_id = r.id AND NOT (mem.user_id = ANY($2::uuid[]))
                           AND NOT EXISTS (SELECT 1 FROM community.chat_room_mutes mu WHERE mu.room_id = r.id AND mu.user_id = mem.user_id)
                         ORDER BY mem.joined_at, mem.user_id LIMIT 1) m
     JOIN identity.users u ON u.id = m.user_id
     WHERE NOT (r.id = ANY($1::uuid[])) AND r.kind = 'GROUP'
     ORDER BY r.id LIMIT $3`,
    [exclude.rooms, exclude.users, input.variants],
  );
  if (!course.rows[0] || !trainer.rows[0] || !admin.rows[0] || bookers.rows.length === 0 || senders.rows.length === 0) {
    throw new Error('the data has no priced course free of the reads, active trainer, ADMIN, user or group room for the writes: was it seeded?');
  }
  const token = (userId: string, roles: string[]) => mintAccessToken({ userId, roles: rolesOf(roles) }, input.key);
  const { id: courseId, title, amount_minor, currency } = course.rows[0];
  const pool = new BookingPool({
    gatewayUrl: input.gatewayUrl,
    adminToken: await token(admin.rows[0].user_id, ['ADMIN']),
    courseId,
    trainerId: trainer.rows[0].id,
    freeFrom: trainer.rows[0].free_from,
    bookers: await Promise.all(bookers.rows.map(async ({ id, roles }) => ({ userId: id, token: await token(id, roles) }))),
  });
  const { formatMoney } = await import('../../packages/service-kit/src/money.js');
  const steps = bookingSteps(pool, { amountMinor: amount_minor, currency, formatted: formatMoney(amount_minor, currency), courseTitle: title });
  return {
    booking: steps.map((step) => stepVariant('booking', `step ${step.index + 1} (${['register', 'checkout', 'pay'][step.index]})`, step)),
    sendMessage: await Promise.all(
      senders.rows.map(async ({ room_id, user_id, display_name, roles }) =>
        stepVariant(
          'sendMessage',
          room_id,
          sendMessageStep({ roomId: room_id, token: await token(user_id, roles), senderName: display_name, content: `Bench message to ${room_id.slice(0, 8)}: see you at the session.` }),
        ),
      ),
    ),
    pool,
  };
}
