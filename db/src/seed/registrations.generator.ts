import type { Row } from './bulk-insert.js';
import { DAY, HOUR, MINUTE, iso, type CourseEntity, type SessionEntity, type TableRows, type UserEntity } from './model.js';
import type { Prng } from './prng.js';

const REQUIREMENTS: readonly (readonly [kind: string, description: string, severity: string, confidential: boolean])[] = [
  ['DIETARY', 'Vegetarian lunch, please.', 'LOW', false],
  ['DIETARY', 'Nut allergy (carries an adrenaline pen).', 'HIGH', false],
  ['ACCESSIBILITY', 'Wheelchair user: step-free access and a table without a fixed chair.', 'HIGH', false],
  ['ACCESSIBILITY', 'Hard of hearing: a seat near the front.', 'MEDIUM', false],
  ['MEDICAL', 'Recovering from a knee operation: cannot kneel for CPR practice for long.', 'MEDIUM', true],
  ['OTHER', 'May need to leave ten minutes early for the school run.', 'LOW', false],
];

/**
 * Registrations behind every session's seats: each seat taken is one registration (past
 * sessions ATTENDED or NO_SHOW with their attendance, upcoming ones CONFIRMED or, for priced
 * courses, some PENDING_PAYMENT holds), plus a few cancelled and expired ones that hold no seat.
 * Some carry a referrer (brokers refer one another: at a financial-services session most
 * registrants, and always the first, name who referred them) or special requirements. Returns the seats each session really got (a
 * small data set has fewer learners than a large session's seats) for the session rows, and
 * scheduling's copy of the course prices.
 */
export function generateRegistrations(
  rng: Prng,
  anchor: number,
  users: readonly UserEntity[],
  learners: readonly number[],
  courses: readonly CourseEntity[],
  sessions: readonly SessionEntity[],
): { tables: TableRows[]; seatsTaken: number[] } {
  const registrations: Row[] = [];
  const requirements: Row[] = [];
  const attendance: Row[] = [];
  const seatsTaken: number[] = [];
  const code = () => Buffer.from(rng.hex(40), 'hex').toString('base64url');

  for (const session of sessions) {
    const course = courses[session.course]!;
    const priced = (course.price?.amountMinor ?? 0) > 0;
    const past = session.status === 'COMPLETED';
    const brokers = course.topic.key === 'financial-services';
    const attendees = rng.sample(learners, session.seatsTaken + 2);
    const seated = attendees.slice(0, session.seatsTaken);
    seatsTaken.push(seated.length);
    seated.forEach((learner, k) => {
      const id = rng.uuid();
      const user = users[learner]!;
      const createdAt = Math.max(session.createdAt, user.createdAt) + rng.int(1, 72) * HOUR;
      const made = Math.min(createdAt, session.startsAt - HOUR, anchor - MINUTE);
      let status: string;
      if (past) status = rng.chance(0.88) ? 'ATTENDED' : 'NO_SHOW';
      else if (priced && session.status !== 'IN_PROGRESS' && rng.chance(0.06)) status = 'PENDING_PAYMENT';
      else status = 'CONFIRMED';
      const referrer = (brokers && k === 0) || rng.chance(brokers ? 0.6 : 0.2) ? attendees[(k + 1) % attendees.length] : undefined;
      const referredBy = referrer !== undefined && referrer !== learner ? users[referrer]!.id : null;
      registrations.push([
        id, session.id, user.id, status,
        status === 'PENDING_PAYMENT' ? iso(anchor + DAY + rng.int(1, 15) * MINUTE) : null,
        referredBy, code(), iso(made), iso(made), status === 'PENDING_PAYMENT' ? null : iso(made),
      ]);
      if (rng.chance(0.06)) {
        const [kind, description, severity, confidential] = rng.pick(REQUIREMENTS);
        requirements.push([rng.uuid(), id, 1, kind, description, severity, confidential, rng.chance(0.7), iso(made)]);
      }
      if (past) {
        const arrived = status === 'ATTENDED';
        const attendanceStatus = arrived ? (rng.chance(0.9) ? 'PRESENT' : 'LATE') : rng.chance(0.8) ? 'ABSENT' : 'EXCUSED';
        // An excused absence keeps the seat confirmed.
        if (attendanceStatus === 'EXCUSED') registrations[registrations.length - 1] = registrations.at(-1)!.map((cell, i) => (i === 3 ? 'CONFIRMED' : cell));
        const checkedIn = arrived ? session.startsAt + (attendanceStatus === 'LATE' ? rng.int(10, 40) : -rng.int(0, 15)) * MINUTE : null;
        attendance.push([id, session.id, user.id, attendanceStatus, checkedIn === null ? null : iso(checkedIn), iso(session.startsAt + HOUR)]);
      }
    });
    // Seats given back before the session: they hold nothing now.
    for (const learner of attendees.slice(session.seatsTaken)) {
      if (!rng.chance(0.1) || seated.includes(learner)) continue;
      const made = Math.min(session.createdAt + rng.int(1, 48) * HOUR, anchor - HOUR);
      const status = priced && rng.chance(0.5) ? 'EXPIRED' : 'CANCELLED';
      registrations.push([
        rng.uuid(), session.id, users[learner]!.id, status, status === 'EXPIRED' ? iso(made + 15 * MINUTE) : null, null, code(), iso(made), iso(made + HOUR), null,
      ]);
    }
  }

  const prices: Row[] = courses
    .filter((course) => course.price !== null)
    .map((course) => [course.id, course.price!.amountMinor, course.price!.currency, iso(course.publishedAt ?? course.createdAt)]);

  return {
    seatsTaken,
    tables: [
      { table: 'scheduling.course_prices', total: prices.length, rows: prices },
      { table: 'scheduling.registrations', total: registrations.length, rows: registrations },
      { table: 'scheduling.registration_requirements', total: requirements.length, rows: requirements },
      { table: 'scheduling.attendance_records', total: attendance.length, rows: attendance },
    ],
  };
}
