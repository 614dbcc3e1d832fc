import { checkFigureRequest, conflict, forbidden, isWithheld, notFound, parseId, requireRole, requireViewer } from '@academy/service-kit';
import type { SchedulingContext } from '../context.js';
import type { AttendanceRecord, AttendanceStatus, Granularity, Registration, RegistrationStatus, TimeRange } from '../db/database.js';
import type { AttendanceStats, MutationCheckInArgs, MutationRecordAttendanceArgs } from '../generated/graphql.js';
import { publishAttendanceRecorded } from '../events/published.js';
import { countAttendancePerBucket, findAttendanceOfRegistrations, upsertAttendance, type AttendanceBucket } from '../repositories/attendance.repository.js';
import { changeRegistrations, findRegistrationByCode, lockRegistration } from '../repositories/registration.repository.js';
import { viewerStaffsSession } from './registration.service.js';

/** What each attendance makes of the registration: came (ATTENDED), did not (NO_SHOW), excused (seat kept, CONFIRMED). */
const REGISTRATION_STATUS_OF: Record<AttendanceStatus, RegistrationStatus> = {
  PRESENT: 'ATTENDED',
  LATE: 'ATTENDED',
  PARTIAL: 'ATTENDED',
  ABSENT: 'NO_SHOW',
  EXCUSED: 'CONFIRMED',
};

/** Registration statuses whose attendance may be recorded: the seat is the registrant's. */
const SEATED: RegistrationStatus[] = ['CONFIRMED', 'ATTENDED', 'NO_SHOW'];

/** Attendances of a registrant who came. */
const ARRIVED: AttendanceStatus[] = ['PRESENT', 'LATE', 'PARTIAL'];

/** A code can only be one of ours if it looks like one (27 base64url characters); anything else is unknown at once. */
const CHECK_IN_CODE = /^[A-Za-z0-9_-]{20,64}$/;

/**
 * Checks a registrant in by their code (the session's trainer, ORGANIZER, ADMIN): PRESENT with
 * the time of the first check-in. The registration row is locked, so a second check-in, even a
 * concurrent one, finds the record and returns it unchanged: never two records, one event.
 */
export async function checkIn(ctx: SchedulingContext, args: MutationCheckInArgs): Promise<Registration> {
  requireViewer(ctx);
  const code = args.code.trim();
  const found = CHECK_IN_CODE.test(code) ? await findRegistrationByCode(ctx.db, code) : undefined;
  if (!found) throw notFound('No registration has this check-in code.');
  if (!(await viewerStaffsSession(ctx, found.session_id))) throw forbidden('Only the session\'s trainer, ORGANIZER and ADMIN check registrants in.');
  return mark(ctx, found.id, 'PRESENT', true, { checkIn: true });
}

/** Records how a registrant attended (the session's trainer, ORGANIZER, ADMIN). */
export async function recordAttendance(ctx: SchedulingContext, args: MutationRecordAttendanceArgs): Promise<Registration> {
  requireViewer(ctx);
  const id = parseId(args.registrationId, 'registrationId');
  const found = await ctx.loaders.registrationById.load(id);
  if (!found) throw notFound('No such registration.');
  if (!(await viewerStaffsSession(ctx, found.session_id))) throw forbidden('Only the session\'s trainer, ORGANIZER and ADMIN record attendance.');
  return mark(ctx, id, args.status, ARRIVED.includes(args.status));
}

/** One transaction: lock, record (unless recorded so already), move the registration's status, publish. */
async function mark(ctx: SchedulingContext, id: string, status: AttendanceStatus, arrived: boolean, options: { checkIn?: boolean } = {}): Promise<Registration> {
  const viewer = requireViewer(ctx);
  const { registration, record } = await ctx.db.transaction().execute(async (trx) => {
    const locked = await lockRegistration(trx, id);
    if (!locked) throw notFound('No such registration.');
    if (!SEATED.includes(locked.status)) throw conflict(`The registration is ${locked.status.toLowerCase().replace('_', ' ')}: only a confirmed seat's attendance is recorded.`);
    const [existing] = await findAttendanceOfRegistrations(trx, [id]);
    // Read under the lock: a repeated check-in (an arrival recorded already) returns it as it is.
    if (existing && (existing.status === status || (options.checkIn && ARRIVED.includes(existing.status)))) return { registration: locked, record: existing };
    const record = await upsertAttendance(trx, {
      registrationId: id,
      sessionId: locked.session_id,
      userId: locked.user_id,
      status,
      checkedIn: arrived,
      recordedBy: viewer.userId,
    });
    const [moved] = await changeRegistrations(trx, [id], SEATED, { status: REGISTRATION_STATUS_OF[status] });
    await publishAttendanceRecorded(trx, record, locked.course_id);
    return { registration: moved ?? locked, record };
  });
  ctx.loaders.registrationById.clear(id).prime(id, registration);
  ctx.loaders.attendanceOfRegistration.clear(id).prime(id, record);
  return registration;
}

/**
 * Whether the attendance earns the course's certificate: the registrant came (PRESENT or
 * LATE; PARTIAL does not) and the session is over (COMPLETED, or past its end).
 */
export async function certificateEligible(ctx: SchedulingContext, record: AttendanceRecord): Promise<boolean> {
  if (record.status !== 'PRESENT' && record.status !== 'LATE') return false;
  const session = await ctx.loaders.sessionById.load(record.session_id);
  if (!session || session.status === 'CANCELLED') return false;
  return session.status === 'COMPLETED' || session.ends_at.getTime() <= Date.now();
}

/**
 * Attendance at the sessions starting in a range (ANALYST, ADMIN), optionally of one venue or
 * trainer, buckets from local midnight in `timeZone` (UTC by default).
 *
 * Every number here counts registrants, so a bucket is withheld when its seated registrants, or
 * its attendees, are some but fewer distinct users than the minimum group size: its series
 * point is 0 and flagged, and it adds nothing to sessions, registrations, attended, noShows or
 * the rate, which count the shown buckets only. No total, and no difference of totals, then
 * tells anything of a withheld bucket.
 */
export async function attendanceStats(
  ctx: SchedulingContext,
  args: { range: TimeRange; granularity: Granularity; venueId?: string | null; trainerId?: string | null; timeZone?: string | null },
): Promise<AttendanceStats> {
  requireRole(ctx, 'ANALYST', 'ADMIN');
  const request = checkFigureRequest(args);
  const venueId = args.venueId == null ? null : parseId(args.venueId, 'venueId');
  const trainerId = args.trainerId == null ? null : parseId(args.trainerId, 'trainerId');
  const buckets = await countAttendancePerBucket(ctx.figuresDb, request, { venueId, trainerId });
  const { minGroupSize } = ctx.settings;
  const withheld = (b: AttendanceBucket) => isWithheld(b.registrants, minGroupSize) || isWithheld(b.attendees, minGroupSize);
  const shown = buckets.filter((b) => !withheld(b));
  const sum = (pick: (b: AttendanceBucket) => number) => shown.reduce((total, b) => total + pick(b), 0);
  const attended = sum((b) => b.attended);
  const noShows = sum((b) => b.no_shows);
  const points = buckets.map((b) => (withheld(b) ? { bucket: b.bucket, value: 0, withheld: true } : { bucket: b.bucket, value: b.attended, withheld: false }));
  return {
    sessions: sum((b) => b.sessions),
    registrations: sum((b) => b.registrations),
    attended,
    noShows,
    attendanceRate: attended + noShows === 0 ? 0 : attended / (attended + noShows),
    series: { metric: 'attended', points, total: attended },
  };
}
