// The requests of the reads of the other domains, from the seeded data: search words taken from
// the published titles, the course pages' courses for their sessions, signed-in learners with
// enrollments, registrations and orders, and the ANALYST users for the revenue figure. Every
// answer must stay the same for the whole run, so the signed-in lists are those of users with
// nothing a background job can change meanwhile (no seat hold or unpaid order that lapses, no
// refund under way) and who never booked in a run (a booker's lists grow from run to run), and
// the revenue figure covers whole days before the run's own day.
import type pg from 'pg';
import { MY_PAGE_SIZE, SEARCH_PAGE_SIZE, SESSIONS_PAGE_SIZE, type OperationName } from './operations.js';
import { request, VARIANTS_PER_OPERATION, type Data, type Variant } from './variants.js';
import { neverBooked } from './writes.js';

type Token = (userId: string, roles: string[]) => Promise<string>;

/** Users a write of the benchmark may not touch: they stand for the signed-in reads. */
export interface DomainVariants {
  variants: Pick<Record<OperationName, Variant[]>, 'search' | 'sessions' | 'myEnrollments' | 'myRegistrations' | 'myOrders' | 'revenue'>;
  readers: Set<string>;
}

const DAY_MS = 86_400_000;

interface Page {
  totalCount?: number;
  edges?: unknown[];
}

/** A first page of `size` from a connection: as long as it can be. */
const fullPage = (page: Page | null | undefined, size: number, what: string): string | null => {
  if (!page) return `no ${what}`;
  return page.edges?.length === Math.min(size, page.totalCount ?? -1) ? null : `a short page of ${what}`;
};

const meOf = (data: unknown, userId: string): Record<string, unknown> | string => {
  const me = (data as Data)?.me as Record<string, unknown> | null | undefined;
  return me?.id === userId ? me : 'not the signed-in user';
};

export async function chooseDomainVariants(db: pg.Client, input: { courseIds: string[]; token: Token }): Promise<DomainVariants> {
  const n = VARIANTS_PER_OPERATION;
  const { token } = input;
  const rolesOfUser = `coalesce((SELECT array_agg(ur.role ORDER BY ur.role) FROM identity.user_roles ur WHERE ur.user_id = u.user_id), '{}')`;

  // Words of five letters or more from the published titles: each finds at least its course.
  const words = await db.query<{ word: string }>(
    `SELECT DISTINCT lower(w) AS word FROM learning.courses c, regexp_split_to_table(c.title, '[^[:alpha:]]+') AS w
     WHERE c.status = 'PUBLISHED' AND length(w) >= 5 ORDER BY 1 LIMIT $1`,
    [n],
  );
  const learners = await db.query<{ user_id: string; roles: string[] }>(
    `SELECT u.user_id, ${rolesOfUser} AS roles
     FROM (SELECT user_id, count(*) AS n FROM learning.enrollments GROUP BY user_id) u
     WHERE ${neverBooked('u.user_id')}
     ORDER BY u.n DESC, u.user_id LIMIT $1`,
    [n],
  );
  const registrants = await db.query<{ user_id: string; roles: string[] }>(
    `SELECT u.user_id, ${rolesOfUser} AS roles
     FROM (SELECT user_id, count(*) AS n FROM scheduling.registrations GROUP BY user_id
           HAVING count(*) FILTER (WHERE status = 'PENDING_PAYMENT') = 0) u
     WHERE ${neverBooked('u.user_id')}
     ORDER BY u.n DESC, u.user_id LIMIT $1`,
    [n],
  );
  const customers = await db.query<{ user_id: string; roles: string[] }>(
    `SELECT u.user_id, ${rolesOfUser} AS roles
     FROM (SELECT o.user_id, count(*) AS n FROM commerce.orders o GROUP BY o.user_id
           HAVING count(*) FILTER (WHERE o.status = 'PENDING') = 0
              AND NOT EXISTS (SELECT 1 FROM commerce.refunds r JOIN commerce.orders ro ON ro.id = r.order_id
                              WHERE ro.user_id = o.user_id AND r.status NOT IN ('COMPLETED', 'REJECTED'))) u
     WHERE ${neverBooked('u.user_id')}
     ORDER BY u.n DESC, u.user_id LIMIT $1`,
    [n],
  );
  const analysts = await db.query<{ user_id: string; roles: string[] }>(
    `SELECT u.user_id, ${rolesOfUser} AS roles FROM (SELECT DISTINCT user_id FROM identity.user_roles WHERE role = 'ANALYST') u ORDER BY u.user_id LIMIT $1`,
    [n],
  );
  // The currency most orders are in.
  const currency = await db.query<{ currency: string }>(`SELECT currency FROM commerce.orders GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1`);
  for (const [what, rows] of [
    ['search word', words.rows],
    ['learner with enrollments', learners.rows],
    ['registrant without a seat hold', registrants.rows],
    ['customer without an unpaid order or open refund', customers.rows],
    ['ANALYST', analysts.rows],
    ['order', currency.rows],
  ] as const) {
    if (rows.length === 0) throw new Error(`the database has no ${what}: was it seeded?`);
  }

  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const signedIn = async (operation: OperationName, rows: { user_id: string; roles: string[] }[], check: (me: Record<string, unknown>) => string | null) =>
    Promise.all(
      rows.map(async ({ user_id, roles }) =>
        request(operation, user_id, {}, await token(user_id, roles), (data) => {
          const me = meOf(data, user_id);
          return typeof me === 'string' ? me : check(me);
        }),
      ),
    );

  const variants: DomainVariants['variants'] = {
    search: words.rows.map(({ word }) =>
      request('search', `"${word}"`, { search: word }, null, (data) => fullPage((data as Data)?.courses as Page, SEARCH_PAGE_SIZE, 'courses found')),
    ),
    sessions: input.courseIds.map((courseId) =>
      request('sessions', courseId, { courseId }, null, (data) => fullPage((data as Data)?.trainingSessions as Page, SESSIONS_PAGE_SIZE, 'sessions')),
    ),
    myEnrollments: await signedIn('myEnrollments', learners.rows, (me) => fullPage(me.enrollments as Page, MY_PAGE_SIZE, 'enrollments')),
    myRegistrations: await signedIn('myRegistrations', registrants.rows, (me) => ((me.registrations as unknown[] | undefined)?.length ? null : 'no registrations')),
    myOrders: await signedIn('myOrders', customers.rows, (me) => fullPage(me.orders as Page, MY_PAGE_SIZE, 'orders')),
    // Thirty whole UTC days ending a day further back for each request; all before today.
    revenue: await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const { user_id, roles } = analysts.rows[i % analysts.rows.length]!;
        const to = new Date(today - i * DAY_MS);
        const from = new Date(to.getTime() - 30 * DAY_MS);
        const range = { from: from.toISOString(), to: to.toISOString() };
        return request('revenue', `${range.from.slice(0, 10)}..${range.to.slice(0, 10)}`, { range, currency: currency.rows[0]!.currency }, await token(user_id, roles), (data) => {
          const points = ((data as Data)?.revenueStats as { points?: unknown[] } | undefined)?.points;
          return points?.length === 30 ? null : 'not thirty days';
        });
      }),
    ),
  };
  const readers = new Set([...learners.rows, ...registrants.rows, ...customers.rows, ...analysts.rows].map((row) => row.user_id));
  return { variants, readers };
}
