import {
  forwardPage,
  isSelfOrRole,
  isTimestampCursor,
  notFound,
  parseId,
  paymentRequired,
  requireViewer,
  toConnection,
  type TimestampCursor,
} from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { LearningContext } from '../context.js';
import type { Enrollment, LearningDatabase, UserReference } from '../db/database.js';
import { publishEnrollmentCreated } from '../events/published.js';
import type { UserEnrollmentsArgs } from '../generated/graphql.js';
import { findCoursePrice } from '../repositories/course-price.repository.js';
import {
  cancelOrderEnrollments,
  findEnrollmentPage,
  findEnrollmentsOfUser,
  grantEnrollment,
  type EnrollmentGrant,
} from '../repositories/enrollment.repository.js';

/** An enrollment by id, if the viewer may see it: enrollments are private to the learner and ADMIN. */
export async function visibleEnrollment(ctx: LearningContext, id: string): Promise<Enrollment | null> {
  const enrollment = await ctx.loaders.enrollmentById.load(id);
  return enrollment && isSelfOrRole(ctx, enrollment.user_id, 'ADMIN') ? enrollment : null;
}

/**
 * Enrolls the viewer in a published course. A free course: the enrollment at once, one per user
 * and course whatever the concurrency (the unique key decides; every caller gets the one row),
 * a cancelled one re-activated. A priced course (as learning last heard from commerce):
 * PAYMENT_REQUIRED, since access then comes from a paid order. Calling again while enrolled
 * answers the enrollment as it is. EnrollmentCreated is published with the change.
 */
export async function enroll(ctx: LearningContext, courseIdArg: string): Promise<Enrollment> {
  const viewer = requireViewer(ctx);
  const courseId = parseId(courseIdArg, 'courseId');
  const [current] = await findEnrollmentsOfUser(ctx.db, viewer.userId, [courseId]);
  if (current && current.status !== 'CANCELLED') return current;
  const course = await ctx.loaders.courseById.load(courseId);
  // Drafts and archived courses are not open for enrollment: as unknown as an invisible course.
  if (!course || course.status !== 'PUBLISHED') throw notFound(`No published course ${courseId}.`);
  const price = await findCoursePrice(ctx.db, courseId);
  if (price?.amount_minor != null) {
    throw paymentRequired(`"${course.title}" has a price: check it out (commerce) to enroll; the enrollment follows the paid order.`);
  }
  const enrollment = await ctx.db.transaction().execute((trx) => grantAccess(trx, viewer.userId, courseId, { source: 'FREE', orderId: null }));
  if (!enrollment) throw notFound(`No published course ${courseId}.`);
  // Its enrollment count changed: read it afresh if asked for.
  ctx.loaders.courseById.clear(courseId);
  ctx.loaders.enrollmentById.prime(enrollment.id, enrollment);
  return enrollment;
}

/**
 * In `trx`: grants the user access to the course and, when that created or re-activated an
 * enrollment, publishes EnrollmentCreated. Undefined when the course does not exist.
 */
export async function grantAccess(trx: Kysely<LearningDatabase>, userId: string, courseId: string, grant: EnrollmentGrant): Promise<Enrollment | undefined> {
  const granted = await grantEnrollment(trx, userId, courseId, grant);
  if (granted && granted.outcome !== 'UNCHANGED') await publishEnrollmentCreated(trx, granted.enrollment, granted.outcome === 'REACTIVATED');
  return granted?.enrollment;
}

/**
 * In the consumer's transaction: a paid order's course items become enrollments (source ORDER).
 * Returns the course ids learning does not know (nothing to grant there).
 */
export async function grantOrderAccess(
  trx: Kysely<LearningDatabase>,
  order: { orderId: string; userId: string; courseIds: readonly string[] },
): Promise<string[]> {
  const unknown: string[] = [];
  // In one order, so that concurrent grants to one user lock their rows alike.
  for (const courseId of [...new Set(order.courseIds)].sort()) {
    const enrollment = await grantAccess(trx, order.userId, courseId, { source: 'ORDER', orderId: order.orderId });
    if (!enrollment) unknown.push(courseId);
  }
  return unknown;
}

/** In the consumer's transaction: the access a refunded order granted ends (certificates stay). */
export async function endOrderAccess(
  trx: Kysely<LearningDatabase>,
  refund: { orderId: string; userId: string; courseIds: readonly string[]; refundedAt: Date },
): Promise<Enrollment[]> {
  if (refund.courseIds.length === 0) return [];
  return cancelOrderEnrollments(trx, { userId: refund.userId, orderId: refund.orderId, courseIds: refund.courseIds, at: refund.refundedAt });
}

/**
 * A user's enrollments, newest first, as a Relay connection with the exact total. Only the user
 * and ADMIN see them; anybody else gets an empty connection (as with User.certificates), so a
 * list of users never fails on a private field.
 */
export async function enrollmentsOfUser(ctx: LearningContext, user: UserReference, args: UserEnrollmentsArgs) {
  const page = forwardPage<TimestampCursor>(args, isTimestampCursor);
  if (!isSelfOrRole(ctx, user.id, 'ADMIN')) {
    return toConnection({ rows: [], limit: page.limit, totalCount: 0, hasPreviousPage: false, cursorOf: () => null, nodeOf: (e: Enrollment) => e });
  }
  const status = args.status ?? null;
  // A first page (the usual ask, also for a list of users) is batched across users.
  const result = page.after
    ? await findEnrollmentPage(ctx.db, { userId: user.id, status, limit: page.limit, after: page.after })
    : { hasPreviousPage: false, ...((await ctx.loaders.firstEnrollmentPageByUser.load(`${user.id}|${status ?? ''}|${page.limit}`)) ?? { rows: [], totalCount: 0 }) };
  const rows = result.rows.map(({ cursor_key, ...enrollment }) => ({ cursor_key, enrollment }));
  for (const { enrollment } of rows.slice(0, page.limit)) ctx.loaders.enrollmentById.prime(enrollment.id, enrollment);
  return toConnection({
    rows,
    limit: page.limit,
    totalCount: result.totalCount,
    hasPreviousPage: result.hasPreviousPage,
    cursorOf: (row): TimestampCursor => [row.cursor_key, row.enrollment.id],
    nodeOf: (row) => row.enrollment,
  });
}
