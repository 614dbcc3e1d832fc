// What Kysely costs per statement on the mix's hot reads, apart from the driver and the
// database: each repository function is run against a Kysely whose driver answers every
// statement with no rows at once (Kysely's DummyDriver), with the statement log our databases
// use. Its time is what building, compiling and executing a query costs in Kysely; compiling
// each query once per shape could save part of it, never more. The booking flow's writes are
// measured too, alone and inside a transaction. Run on purpose:
//   node --conditions=source --import tsx bench/query-building.ts [--calls 50000]
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type Dialect } from 'kysely';
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { findUsersByIds } from '../subgraphs/identity/src/repositories/user.repository.js';
import { findCoursePage, findCoursesByIds } from '../subgraphs/learning/src/repositories/course.repository.js';
import { findCoursePrices } from '../subgraphs/commerce/src/repositories/price.repository.js';
import { findOrdersByIds, insertOrderItems, insertOrderUnlessReferenceTaken, moveOrderStatus } from '../subgraphs/commerce/src/repositories/order.repository.js';
import { findMessagePages } from '../subgraphs/community/src/repositories/chat-message.repository.js';
import { findUpcomingSessions } from '../subgraphs/scheduling/src/repositories/training-session.repository.js';
import { takeSeat } from '../subgraphs/scheduling/src/repositories/registration.repository.js';

const calls = Number(process.argv[process.argv.indexOf('--calls') + 1] || 50_000) || 50_000;

const dialect: Dialect = {
  createAdapter: () => new PostgresAdapter(),
  createDriver: () => new DummyDriver(),
  createIntrospector: (db) => new PostgresIntrospector(db),
  createQueryCompiler: () => new PostgresQueryCompiler(),
};
let logged = 0;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one instance serves every subgraph's repositories
const db = new Kysely<any>({ dialect, log: () => {
    logged += 1;
  },
});

const ids = Array.from({ length: 20 }, () => randomUUID());
const reads: [string, () => Promise<unknown>][] = [
  ['identity: users by ids (builder)', () => findUsersByIds(db, ids)],
  ['learning: courses by ids (builder)', () => findCoursesByIds(db, ids)],
  ['learning: catalogue page (sql)', () => findCoursePage(db, { filter: { statuses: ['PUBLISHED'] }, orderBy: { field: 'PUBLISHED_AT', direction: 'DESC' }, limit: 21, after: null })],
  ['commerce: course prices (builder)', () => findCoursePrices(db, ids)],
  ['commerce: orders by ids (builder)', () => findOrdersByIds(db, ids)],
  ['community: last 50 messages of a room (sql)', () => findMessagePages(db, [{ roomId: ids[0]!, before: null, limit: 51 }])],
  ['scheduling: upcoming sessions of courses (sql)', () => findUpcomingSessions(db, 'course', ids, 3)],
  ['scheduling: take a seat (builder, update)', () => takeSeat(db, ids[0]!)],
  [
    'commerce: insert an order (builder, insert)',
    () => insertOrderUnlessReferenceTaken(db, { reference: 'ORD-BENCH', user_id: ids[0]!, currency: 'GBP', subtotal_minor: 5000, total_minor: 5000, discount_code: null, discount_code_id: null, paid_at: null, cancelled_at: null }),
  ],
  ['commerce: insert its item (builder, insert)', () => insertOrderItems(db, [{ order_id: ids[0]!, kind: 'SESSION', session_id: ids[1]!, course_id: ids[2]!, registration_id: ids[3]!, description: 'A session', quantity: 1, unit_price_minor: 5000, total_minor: 5000 }] as never)],
  ['commerce: mark an order paid (builder, update)', () => moveOrderStatus(db, ids[0]!, ['PENDING'], 'PAID', new Date())],
  ['commerce: mark an order paid in a transaction (BEGIN, update, COMMIT)', () => db.transaction().execute((trx) => moveOrderStatus(trx as never, ids[0]!, ['PENDING'], 'PAID', new Date()))],
];

console.log(`Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; ${calls} calls each after as many to warm up.\n`);
console.log('| statement (repository function) | µs per call |');
console.log('|---|---|');
for (const [name, read] of reads) {
  for (let i = 0; i < calls; i++) await read();
  const before = logged;
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await read();
  const micros = Number(process.hrtime.bigint() - started) / calls / 1000;
  if (logged - before < calls) throw new Error(`${name}: ${logged - before} statements for ${calls} calls`);
  console.log(`| ${name} | ${micros.toFixed(1)} |`);
}
await db.destroy();
