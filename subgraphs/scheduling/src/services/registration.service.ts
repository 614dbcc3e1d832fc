import { badUserInput, conflict, forbidden, hasRole, notFound, parseId, requireViewer, text, type Logger } from '@academy/service-kit';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { SchedulingContext } from '../context.js';
import type { Registration, SchedulingDatabase, SpecialRequirement } from '../db/database.js';
import type { MutationCancelRegistrationArgs, MutationRegisterForSessionArgs, UserRegistrationsArgs } from '../generated/graphql.js';
import {
  publishRegistrationCancelled,
  publishRegistrationConfirmed,
  publishRegistrationExpired,
  publishRegistrationHeld,
  publishRegistrationPaidWithoutSeat,
  type RegistrationCancelledPayload,
} from '../events/published.js';
import {
  cancelLiveRegistrationsOfSession,
  changeRegistrations,
  expireLapsedHolds,
  findLiveRegistration,
  findSessionById,
  freeSeats,
  insertRegistration,
  insertRequirements,
  isCoursePriced,
  lockRegistration,
  retakeSeat,
  takeSeat,
  type RegistrationWithCourse,
} from '../repositories/registration.repository.js';

/** Most special requirements one registration may carry. */
export const MAX_SPECIAL_REQUIREMENTS = 10;
const MAX_REQUIREMENT_LENGTH = 1000;

/** A fresh check-in code: 160 random bits, base64url (27 characters). */
export const newCheckInCode = () => randomBytes(20).toString('base64url');

/** Thrown inside the registering transaction when the unique index finds the user registered already. */
const isAlreadyRegistered = (error: unknown) =>
  (error as { code?: unknown })?.code === '23505' && (error as { constraint?: unknown }).constraint === 'registrations_live_key';

/**
 * Registers the viewer for a session. One transaction: a guarded UPDATE takes a seat only if
 * one is free (concurrent registrations queue on the session row, so the session never
 * oversells), then the registration is inserted (the partial unique index refuses a second live
 * one of the same user, whatever the timing). A free course is CONFIRMED at once; a priced one
 * is PENDING_PAYMENT, its seat held for the configured minutes (RegistrationHeld tells commerce,
 * which checks out against its copy of the hold).
 */
export async function registerForSession(ctx: SchedulingContext, args: MutationRegisterForSessionArgs): Promise<Registration> {
  const viewer = requireViewer(ctx);
  const sessionId = parseId(args.sessionId, 'sessionId');
  const referredBy = args.referredByUserId == null ? null : parseId(args.referredByUserId, 'referredByUserId');
  if (referredBy === viewer.userId) throw badUserInput('A user cannot refer themself.', 'referredByUserId');
  const requirements = args.specialRequirements ?? [];
  if (requirements.length > MAX_SPECIAL_REQUIREMENTS) {
    throw badUserInput(`At most ${MAX_SPECIAL_REQUIREMENTS} special requirements.`, 'specialRequirements');
  }
  const checkedRequirements = requirements.map((r, i) => ({
    kind: r.kind,
    description: text(r.description, `specialRequirements.${i}.description`, { max: MAX_REQUIREMENT_LENGTH }),
    severity: r.severity ?? 'MEDIUM',
    confidential: r.confidential ?? false,
    share_with_trainer: r.shareWithTrainer ?? false,
  }));

  try {
    const registration = await ctx.db.transaction().execute(async (trx) => {
      if (await findLiveRegistration(trx, sessionId, viewer.userId)) throw conflict('You are already registered for this session.');
      const session = await takeSeat(trx, sessionId);
      if (!session) throw await whyNoSeat(trx, sessionId);
      const priced = await isCoursePriced(trx, session.course_id);
      const registration = await insertRegistration(trx, {
        session_id: sessionId,
        user_id: viewer.userId,
        status: priced ? 'PENDING_PAYMENT' : 'CONFIRMED',
        hold_expires_at: priced ? new Date(Date.now() + ctx.settings.seatHoldMinutes * 60_000) : null,
        confirmed_at: priced ? null : new Date(),
        referred_by_user_id: referredBy,
        check_in_code: newCheckInCode(),
      });
      await insertRequirements(trx, checkedRequirements.map((r, i) => ({ ...r, position: i + 1, registration_id: registration.id })));
      if (priced) await publishRegistrationHeld(trx, registration, session.course_id);
      else await publishRegistrationConfirmed(trx, registration, session.course_id);
      ctx.loaders.sessionById.clear(sessionId).prime(sessionId, session);
      return registration;
    });
    ctx.loaders.registrationById.prime(registration.id, registration);
    return registration;
  } catch (error) {
    if (isAlreadyRegistered(error)) throw conflict('You are already registered for this session.');
    throw error;
  }
}

/** The error for a session whose seat could not be taken: unknown, not open, started or full. */
async function whyNoSeat(db: Kysely<SchedulingDatabase>, sessionId: string) {
  const session = await findSessionById(db, sessionId);
  if (!session) return notFound('No such training session.');
  if (session.status !== 'SCHEDULED' && session.status !== 'CONFIRMED') return conflict(`The session is ${session.status.toLowerCase().replace('_', ' ')}: it is not open for registration.`);
  if (session.starts_at.getTime() <= Date.now()) return conflict('The session has started: it is not open for registration.');
  return conflict('The session is full.');
}

/**
 * Cancels a registration (its registrant or ADMIN) before its session starts. The status moves
 * from a seat-holding one in a guarded statement, and the seat is freed only if it moved: a
 * second cancellation, even a concurrent one, returns the registration unchanged.
 */
export async function cancelRegistration(ctx: SchedulingContext, args: MutationCancelRegistrationArgs): Promise<Registration> {
  const viewer = requireViewer(ctx);
  const id = parseId(args.id);
  const registration = await ctx.db.transaction().execute(async (trx) => {
    const found = await lockRegistration(trx, id);
    if (!found || (found.user_id !== viewer.userId && !hasRole(ctx, 'ADMIN'))) throw notFound('No such registration.');
    if (found.status === 'CANCELLED' || found.status === 'EXPIRED') return found;
    if (found.status !== 'PENDING_PAYMENT' && found.status !== 'CONFIRMED') throw conflict('Attendance was recorded: the registration can no longer be cancelled.');
    const session = await findSessionById(trx, found.session_id);
    if (session && session.starts_at.getTime() <= Date.now() && !hasRole(ctx, 'ADMIN')) throw conflict('The session has started: the registration can no longer be cancelled.');
    const [cancelled] = await releaseRegistrations(trx, [id], ['PENDING_PAYMENT', 'CONFIRMED'], 'CANCELLED', 'BY_USER');
    return cancelled ?? found;
  });
  ctx.loaders.registrationById.clear(id).prime(id, registration);
  ctx.loaders.sessionById.clear(registration.session_id);
  return registration;
}

/**
 * Moves registrations still in `from` to CANCELLED or EXPIRED, frees one seat for each that
 * moved and publishes its event, all in `trx`.
 */
async function releaseRegistrations(
  trx: Kysely<SchedulingDatabase>,
  ids: readonly string[],
  from: Registration['status'][],
  to: 'CANCELLED' | 'EXPIRED',
  reason: RegistrationCancelledPayload['reason'],
): Promise<RegistrationWithCourse[]> {
  const released = await changeRegistrations(trx, ids, from, { status: to, holdExpiresAt: null, ended: true });
  await freeSeats(trx, seatCounts(released));
  for (const r of released) {
    if (to === 'EXPIRED') await publishRegistrationExpired(trx, r, r.course_id);
    else await publishRegistrationCancelled(trx, r, r.course_id, reason);
  }
  return released;
}

const seatCounts = (registrations: readonly Registration[]) => {
  const counts = new Map<string, number>();
  for (const r of registrations) counts.set(r.session_id, (counts.get(r.session_id) ?? 0) + 1);
  return counts;
};

/**
 * Cancels every registration of a session being cancelled, in the transaction that cancels it:
 * each becomes CANCELLED with a `RegistrationCancelled`, and the session's seats_taken is 0.
 */
export async function releaseSeatsOfCancelledSession(trx: Kysely<SchedulingDatabase>, sessionId: string): Promise<Registration[]> {
  const cancelled = await cancelLiveRegistrationsOfSession(trx, sessionId);
  for (const r of cancelled) await publishRegistrationCancelled(trx, r, r.course_id, 'SESSION_CANCELLED');
  return cancelled;
}

/** Registrations expired per transaction of releaseExpiredHolds. */
const HOLD_BATCH = 200;

/**
 * Makes every lapsed hold EXPIRED, frees its seat and publishes `RegistrationExpired`, in
 * batches of one transaction each. Rows locked elsewhere (a payment being confirmed) are
 * skipped, and a hold already released does not match again, so running it twice, or in two
 * processes at once, releases each seat once. Returns how many holds it released.
 */
export async function releaseExpiredHolds(db: Kysely<SchedulingDatabase>): Promise<number> {
  let total = 0;
  for (;;) {
    const released = await db.transaction().execute(async (trx) => {
      const expired = await expireLapsedHolds(trx, HOLD_BATCH);
      await freeSeats(trx, seatCounts(expired));
      for (const r of expired) await publishRegistrationExpired(trx, r, r.course_id);
      return expired.length;
    });
    total += released;
    if (released < HOLD_BATCH) return total;
  }
}

/**
 * A paid seat (commerce's OrderPaid), in the consumer's transaction. A held registration
 * becomes CONFIRMED. One whose hold lapsed (or whose order was cancelled) meanwhile takes a
 * seat again if one is free and the user has no other live registration there; if not, it
 * keeps its status, is marked `refund_due_reason` and `RegistrationPaidWithoutSeat` tells
 * commerce to refund it. A registration already confirmed by this order changes nothing.
 */
export async function confirmPaidSeat(
  trx: Kysely<SchedulingDatabase>,
  logger: Logger,
  seat: { registrationId: string; orderId: string; userId: string },
): Promise<void> {
  const found = await lockRegistration(trx, seat.registrationId);
  if (!found || found.user_id !== seat.userId) {
    logger.warn('a paid seat names no registration of its customer; ignored', { registrationId: seat.registrationId, orderId: seat.orderId });
    return;
  }
  if (found.status === 'PENDING_PAYMENT') {
    const [confirmed] = await changeRegistrations(trx, [found.id], ['PENDING_PAYMENT'], { status: 'CONFIRMED', holdExpiresAt: null, orderId: seat.orderId, confirmed: true });
    if (confirmed) await publishRegistrationConfirmed(trx, confirmed, confirmed.course_id);
    return;
  }
  if (found.status !== 'EXPIRED' && found.status !== 'CANCELLED') return; // confirmed (or attended) already
  if (found.refund_due_reason) return;
  const other = await findLiveRegistration(trx, found.session_id, found.user_id);
  const seatTaken = other ? undefined : await retakeSeat(trx, found.session_id);
  if (seatTaken) {
    const [confirmed] = await changeRegistrations(trx, [found.id], [found.status], { status: 'CONFIRMED', holdExpiresAt: null, orderId: seat.orderId, confirmed: true });
    if (confirmed) await publishRegistrationConfirmed(trx, confirmed, confirmed.course_id);
    return;
  }
  const reason = other ? 'The registrant holds another registration for the session.' : 'No seat was left when the payment arrived.';
  const [marked] = await changeRegistrations(trx, [found.id], [found.status], { status: found.status, orderId: seat.orderId, refundDueReason: reason });
  if (marked) await publishRegistrationPaidWithoutSeat(trx, marked, marked.course_id, seat.orderId);
}

/** Seats refunded (commerce's OrderRefunded): held or confirmed registrations CANCELLED, seats freed. */
export async function cancelRefundedSeats(trx: Kysely<SchedulingDatabase>, registrationIds: readonly string[]): Promise<void> {
  await releaseRegistrations(trx, registrationIds, ['PENDING_PAYMENT', 'CONFIRMED'], 'CANCELLED', 'REFUNDED');
}

/** An unpaid order ended (commerce's OrderCancelled): its held registrations EXPIRED (order expired) or CANCELLED, seats freed. */
export async function releaseSeatsOfEndedOrder(trx: Kysely<SchedulingDatabase>, registrationIds: readonly string[], expired: boolean): Promise<void> {
  await releaseRegistrations(trx, registrationIds, ['PENDING_PAYMENT'], expired ? 'EXPIRED' : 'CANCELLED', 'ORDER_CANCELLED');
}

/** The viewer's (or, for ADMIN, anyone's) registrations; FORBIDDEN for others. */
export function userRegistrations(ctx: SchedulingContext, userId: string, args: UserRegistrationsArgs): Promise<Registration[]> {
  const viewer = requireViewer(ctx);
  if (viewer.userId !== userId && !hasRole(ctx, 'ADMIN')) throw forbidden('Only the user themself and ADMIN see their registrations.');
  return ctx.loaders.registrationsOfUser.load({ userId, upcomingOnly: args.upcomingOnly ?? false });
}

/** Whether the viewer runs the session (is its trainer). */
export async function viewerIsTrainerOf(ctx: SchedulingContext, sessionId: string): Promise<boolean> {
  if (!ctx.viewer) return false;
  const session = await ctx.loaders.sessionById.load(sessionId);
  const trainer = session?.trainer_id ? await ctx.loaders.trainerById.load(session.trainer_id) : null;
  return trainer?.user_id === ctx.viewer.userId;
}

/** Whether the viewer is the session's trainer, ORGANIZER or ADMIN: who sees and marks its attendance. */
export async function viewerStaffsSession(ctx: SchedulingContext, sessionId: string): Promise<boolean> {
  return hasRole(ctx, 'ORGANIZER', 'ADMIN') || (await viewerIsTrainerOf(ctx, sessionId));
}

/** A session's registrations, for its trainer, ORGANIZER and ADMIN (FORBIDDEN otherwise). */
export async function sessionRegistrations(ctx: SchedulingContext, sessionId: string): Promise<Registration[]> {
  requireViewer(ctx);
  if (!(await viewerStaffsSession(ctx, sessionId))) throw forbidden('Only the session\'s trainer, ORGANIZER and ADMIN see its registrations.');
  return ctx.loaders.registrationsOfSession.load(sessionId);
}

/** The check-in code: for the registrant only, once the seat is theirs. */
export function checkInCode(ctx: SchedulingContext, registration: Registration): string | null {
  if (ctx.viewer?.userId !== registration.user_id) return null;
  return registration.status === 'CONFIRMED' || registration.status === 'ATTENDED' ? registration.check_in_code : null;
}

/** When the hold lapses, while the seat is held. */
export const holdExpiresAt = (registration: Registration) => (registration.status === 'PENDING_PAYMENT' ? registration.hold_expires_at : null);

/** Who referred the registrant: for the registrant, ORGANIZER and ADMIN. */
export function referredBy(ctx: SchedulingContext, registration: Registration) {
  if (!registration.referred_by_user_id || !ctx.viewer) return null;
  if (ctx.viewer.userId !== registration.user_id && !hasRole(ctx, 'ORGANIZER', 'ADMIN')) return null;
  return { __typename: 'User' as const, id: registration.referred_by_user_id };
}

/**
 * The special requirements the viewer may see: all to the registrant and ADMIN; to the
 * session's trainer those the registrant shares and that are not confidential; none to others.
 */
export async function specialRequirements(ctx: SchedulingContext, registration: Registration): Promise<SpecialRequirement[]> {
  if (!ctx.viewer) return [];
  const all = await ctx.loaders.requirementsOfRegistration.load(registration.id);
  if (all.length === 0) return [];
  if (ctx.viewer.userId === registration.user_id || hasRole(ctx, 'ADMIN')) return all;
  if (!(await viewerIsTrainerOf(ctx, registration.session_id))) return [];
  return all.filter((r) => r.share_with_trainer && !r.confidential);
}
