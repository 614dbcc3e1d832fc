import type { Row } from './bulk-insert.js';
import { DAY, HOUR, MINUTE, iso, type SessionEntity, type TableRows, type UserEntity } from './model.js';
import type { Prng } from './prng.js';
import { TABLE_SPECS } from './tables.js';

/** The trainer rows the schedule made, read by column name. */
const TRAINER_COLUMNS = TABLE_SPECS['scheduling.trainers'].columns.map(([name]) => name);
const column = (row: Row, name: string) => row[TRAINER_COLUMNS.indexOf(name)];

/** Why trainers take time off, as they would put it. */
const TIME_OFF_REASONS = ['Annual leave', 'Training the trainers', 'Conference', 'Medical appointment', null] as const;

const COMMENTS = [
  'Clear, practical and patient.',
  'Exactly the help I needed before my assessment.',
  'Good session, a little rushed at the end.',
  'Great examples from real incidents.',
  'Helpful, though we ran over time.',
  'I finally understand the recovery position.',
  'Very encouraging coach.',
];

export interface CoachingInput {
  anchor: number;
  users: readonly UserEntity[];
  learners: readonly number[];
  demoLearner: number;
  /** The `scheduling.trainers` rows of the schedule (the demo trainer first). */
  trainerRows: Iterable<Row>;
  sessions: readonly SessionEntity[];
}

/** One formatter per time zone: building one costs far more than using it. */
const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterOf = (timeZone: string) => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

/** The instant of local `minutes` after midnight on the calendar day starting at UTC `day`, in `timeZone`. */
function localInstant(day: number, minutes: number, timeZone: string): number {
  const guess = day + minutes * MINUTE;
  const parts = formatterOf(timeZone)
    .formatToParts(new Date(guess))
    .reduce<Record<string, number>>((acc, p) => (p.type === 'literal' ? acc : { ...acc, [p.type]: Number(p.value) }), {});
  const shown = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!);
  return guess - (shown - guess);
}

/** `count` ratings from 1 to 5 adding up to exactly `sum`, varied but fair to the average. */
function ratingsSummingTo(rng: Prng, count: number, sum: number): number[] {
  const base = Math.floor(sum / count);
  const ratings = Array.from({ length: count }, (_, i) => base + (i < sum - base * count ? 1 : 0));
  for (let k = 0; k < count; k++) {
    const i = rng.int(0, count - 1);
    const j = rng.int(0, count - 1);
    if (i !== j && ratings[i]! < 5 && ratings[j]! > 1) {
      ratings[i]! += 1;
      ratings[j]! -= 1;
    }
  }
  return ratings;
}

/**
 * Trainers' working hours (weekdays 09:00-17:00 local, some Saturday mornings), past coaching
 * sessions whose feedback adds up exactly to each trainer's rating sum and count, a few
 * cancelled or missed ones, and bookings over the next three weeks. No coach and no learner is
 * ever in two sessions at once (the database would refuse it), and a coach's sessions avoid
 * the days of their training sessions. Time off lies beyond the three weeks of bookings (as
 * addTrainerTimeOff refuses time off over a booking): the demo trainer's week of leave, and a
 * day off for some others.
 */
export function generateCoaching(rng: Prng, input: CoachingInput): TableRows[] {
  const { anchor, users } = input;
  const hourRows: Row[] = [];
  const sessionRows: Row[] = [];
  const feedbackRows: Row[] = [];
  const timeOffRows: Row[] = [];
  // Sessions start on whole UTC hours and last at most an hour: one (learner, hour) each.
  const learnerHours = new Set<string>();
  const trainingDays = new Set<string>();
  for (const s of input.sessions) {
    if (s.trainerUser === null || s.status === 'CANCELLED') continue;
    // Multi-day sessions run up to three days from their start.
    const first = Math.floor(s.startsAt / DAY);
    for (let d = first; d < first + 3; d++) trainingDays.add(`${users[s.trainerUser]!.id}|${d}`);
  }
  const byUserId = new Map(users.map((u, i) => [u.id, i]));

  [...input.trainerRows].forEach((row, index) => {
    const trainerId = String(column(row, 'id'));
    const userId = String(column(row, 'user_id'));
    const timeZone = String(column(row, 'time_zone'));
    const active = column(row, 'is_active') === true;
    const ratingSum = Number(column(row, 'rating_sum'));
    const ratingCount = Number(column(row, 'rating_count'));
    const isDemo = index === 0;
    const weekdays = [1, 2, 3, 4, 5];
    for (const weekday of weekdays) hourRows.push([trainerId, weekday, '09:00', '17:00']);
    const saturdays = isDemo || rng.chance(0.3);
    if (saturdays) hourRows.push([trainerId, 6, '10:00', '14:00']);
    const works = (day: number) => {
      const weekday = ((new Date(day).getUTCDay() + 6) % 7) + 1;
      return weekday <= 5 || (weekday === 6 && saturdays);
    };
    const trainerUser = byUserId.get(userId);

    /** A session on calendar day `day` at a free local hour, with a learner free then; null when none fits. */
    const place = (day: number, preferred: number | null) => {
      if (!works(day) || trainingDays.has(`${userId}|${Math.floor(day / DAY)}`)) return null;
      const weekday = ((new Date(day).getUTCDay() + 6) % 7) + 1;
      const [open, close] = weekday === 6 ? [10, 14] : [9, 17];
      const hour = rng.int(open, close - 1);
      const startsAt = localInstant(day, hour * 60, timeZone);
      const minutes = rng.pick([30, 45, 60]);
      for (let attempt = 0; attempt < 5; attempt++) {
        const learner = attempt === 0 && preferred !== null ? preferred : rng.pick(input.learners);
        const key = `${learner}|${startsAt}`;
        if (learner === trainerUser || learnerHours.has(key)) continue;
        learnerHours.add(key);
        return { learner, startsAt, endsAt: startsAt + minutes * MINUTE };
      }
      return null;
    };
    const addSession = (at: { learner: number; startsAt: number; endsAt: number }, status: string, createdAt: number) => {
      const id = rng.uuid();
      const cancelled = status === 'CANCELLED';
      const missed = status === 'NO_SHOW';
      sessionRows.push([
        id, trainerId, users[at.learner]!.id, iso(at.startsAt), iso(at.endsAt), status,
        `https://meet.academy.example/coaching/${rng.hex(24)}`,
        cancelled ? iso(Math.min(at.startsAt - HOUR, createdAt + DAY)) : null, cancelled ? users[at.learner]!.id : null, iso(createdAt),
        // The coach records a no-show a quarter of an hour in.
        missed ? iso(at.startsAt + 15 * MINUTE) : null, missed ? userId : null,
      ]);
      return id;
    };

    // Past sessions, one a day going back: each rating is one completed session's feedback.
    const ratings = ratingCount > 0 ? ratingsSummingTo(rng, ratingCount, ratingSum) : [];
    let day = Math.floor(anchor / DAY) * DAY - DAY;
    let rated = 0;
    let demoLearnerSessions = 0;
    while (rated < ratings.length) {
      const preferred = isDemo && demoLearnerSessions < 2 ? input.demoLearner : null;
      const at = place(day, preferred);
      day -= DAY;
      if (!at) continue;
      if (at.learner === input.demoLearner) demoLearnerSessions += 1;
      const createdAt = at.startsAt - rng.int(2, 14) * DAY;
      // Now and then a session was called off or missed: it has no feedback.
      if (rng.chance(0.08)) {
        addSession(at, rng.chance(0.6) ? 'CANCELLED' : 'NO_SHOW', createdAt);
        continue;
      }
      const id = addSession(at, 'COMPLETED', createdAt);
      const rating = ratings[rated++]!;
      feedbackRows.push([
        rng.uuid(), users[at.learner]!.id, id, trainerId, rating,
        rng.chance(0.5) ? rng.pick(COMMENTS) : null, iso(at.endsAt + rng.int(10, 60 * 24) * MINUTE),
      ]);
    }

    // Bookings over the next three weeks (the demo learner has two with the demo trainer).
    if (!active) return;
    // Time off after them, from local midnight to local midnight: a week for the demo trainer.
    if (isDemo || rng.chance(0.3)) {
      const first = Math.floor(anchor / DAY) * DAY + rng.int(22, 40) * DAY;
      const days = isDemo ? 7 : rng.int(1, 3);
      const reason = isDemo ? 'Annual leave' : rng.pick(TIME_OFF_REASONS);
      timeOffRows.push([
        rng.uuid(), trainerId, iso(localInstant(first, 0, timeZone)), iso(localInstant(first + days * DAY, 0, timeZone)), reason, userId,
        iso(anchor - rng.int(1, 30) * DAY),
      ]);
    }
    let upcoming = isDemo ? 6 : rng.int(0, 4);
    let demoBookings = 0;
    for (let d = 1; d <= 21 && upcoming > 0; d++) {
      if (!rng.chance(0.4) && !(isDemo && demoBookings < 2)) continue;
      const preferred = isDemo && demoBookings < 2 ? input.demoLearner : null;
      const at = place(Math.floor(anchor / DAY) * DAY + d * DAY, preferred);
      if (!at) continue;
      if (at.learner === input.demoLearner) demoBookings += 1;
      addSession(at, 'BOOKED', Math.min(anchor - HOUR, at.startsAt - rng.int(1, 10) * DAY));
      upcoming -= 1;
    }
  });

  return [
    { table: 'scheduling.trainer_working_hours', total: hourRows.length, rows: hourRows },
    { table: 'scheduling.trainer_time_off', total: timeOffRows.length, rows: timeOffRows },
    { table: 'scheduling.coaching_sessions', total: sessionRows.length, rows: sessionRows },
    { table: 'scheduling.session_feedback', total: feedbackRows.length, rows: feedbackRows },
  ];
}
