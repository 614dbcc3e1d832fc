import type { Row } from './bulk-insert.js';
import { DAY, HOUR, MINUTE, capitalise, iso, type CourseEntity, type SessionEntity, type TableRows, type TopicEntity, type UserEntity } from './model.js';
import { at, type Prng } from './prng.js';
import { BROKER_COURSE, EVENT_SEEDS, INSTRUCTOR_QUALIFICATIONS, REFERENCE_COURSES, TEACHING_AWARD, TOPICS, VENUES, type VenueSeed } from './reference-data.js';
import { CANCELLATION_REASONS } from './word-lists.js';

interface Venue {
  id: string;
  seed: VenueSeed;
}

interface Trainer {
  id: string;
  user: number;
  specializations: string[];
  active: boolean;
  /** When the trainer's instructor qualification lapses (ms); null = never. */
  qualificationExpiresAt: number | null;
}

export interface Schedule {
  sessions: SessionEntity[];
  tables: TableRows[];
}

/** What the schedule is built from. */
export interface ScheduleInput {
  anchor: number;
  users: readonly UserEntity[];
  courses: readonly CourseEntity[];
  popularity: readonly number[];
  topics: readonly TopicEntity[];
  trainerUsers: readonly number[];
  demoTrainer: number;
  organizers: readonly number[];
  demoOrganizer: number;
  events: number;
}
/** Trainers' time zones, in turn: whole-hour offsets from UTC, mostly the UK. */
const TRAINER_TIME_ZONES = ['Europe/London', 'Europe/London', 'Europe/London', 'Europe/Dublin', 'Europe/London', 'Europe/Paris', 'Europe/London', 'America/New_York'];

/** Topics whose courses may be held at the client's own premises. */
const ON_SITE_TOPICS = new Set(['first-aid', 'paediatrics', 'workplace-safety']);

/** Days a session moves to when its venue is taken on the day drawn (same side of today). */
const DAY_SHIFTS = [0, 1, -1, 2, -2, 3, -3, 7, -7, 14, -14];

/** How many trainers are tried for a session before it is left without one. */
const TRAINER_TRIES = 8;

/**
 * Intervals [start, end) taken, per trainer or venue. The seed keeps to the rule the database
 * enforces (no trainer or venue holds two sessions that are not cancelled at once), else the
 * load would be refused.
 */
class Calendar {
  private readonly taken = new Map<string, [number, number][]>();

  isFree(key: string, start: number, end: number): boolean {
    return !(this.taken.get(key) ?? []).some(([s, e]) => s < end && start < e);
  }

  book(key: string, start: number, end: number): void {
    const list = this.taken.get(key);
    if (list) list.push([start, end]);
    else this.taken.set(key, [[start, end]]);
  }
}

const slugify = (name: string) => name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');

/**
 * Venues, trainers (the synthetic ones and the demo trainer) with their qualifications, training
 * sessions in the past and the coming four months with their topics (the first-aid company's
 * three courses every week at its own venues), prices (one per priced course plus a few
 * session offers) and events. No trainer or venue is booked twice at once.
 */
export function generateSchedule(rng: Prng, input: ScheduleInput): Schedule {
  const { anchor, users, courses, popularity, trainerUsers, demoTrainer } = input;
  const venueCreatedAt = anchor - 800 * DAY;
  const venues: Venue[] = VENUES.map((seed) => ({ id: rng.uuid(), seed }));
  const venueRows: Row[] = venues.map(({ id, seed }) => [
    id, seed.name, seed.addressLine1, seed.addressLine2, seed.city, seed.postcode, seed.capacity, seed.facilities,
    seed.parkingInfo, true, iso(venueCreatedAt),
  ]);

  // A quarter of the trainers teach first aid, as the first-aid company needs many of them.
  const topicChoices = TOPICS.map((t) => [t.name, t.weight] as const);
  const trainers: Trainer[] = [];
  const trainerRows: Row[] = [];
  const qualificationRows: Row[] = [];
  const firstAidShare = Math.ceil(trainerUsers.length / 4);
  [demoTrainer, ...trainerUsers].forEach((user, k) => {
    const isDemo = user === demoTrainer;
    const specializations = new Set<string>();
    if (isDemo) ['First aid', 'Paediatrics', 'Workplace safety'].forEach((s) => specializations.add(s));
    else {
      if (k <= firstAidShare) specializations.add('First aid');
      const extra = rng.int(k <= firstAidShare ? 0 : 1, 2);
      for (let i = 0; i < extra; i++) specializations.add(rng.weighted(topicChoices));
      if (specializations.size === 0) specializations.add(rng.weighted(topicChoices));
    }
    // The second synthetic trainer trains brokers, whatever else they teach, so every scale has broker sessions.
    const trainsBrokers = k === 2;
    if (trainsBrokers) specializations.add('Financial services');
    const specs = [...specializations];
    // The first synthetic trainer (a first aider) stays active with a qualification lapsing in three weeks.
    const expiringSoon = k === 1;
    const active = isDemo || expiringSoon || trainsBrokers || rng.chance(0.95);
    const certifies = specs.some((s) => TOPICS.find((t) => t.name === s)?.certificateMonths);
    const ratingCount = isDemo ? 48 : Math.floor(rng.exponential(40));
    const ratingAverage = 3.6 + rng.next() * 1.4;
    const years = rng.int(2, 25);
    // Certifying trainers hold a qualification that expires; a few have let it lapse.
    let expiresAt: number | null = certifies || rng.chance(0.4) ? anchor + rng.int(-60, 1000) * DAY : null;
    if (isDemo) expiresAt = anchor + 700 * DAY;
    if (expiringSoon) expiresAt = anchor + 21 * DAY;
    if (trainsBrokers) expiresAt = anchor + 500 * DAY;
    const trainer: Trainer = { id: rng.uuid(), user, specializations: specs, active, qualificationExpiresAt: expiresAt };
    trainers.push(trainer);
    const createdAt = Math.min(anchor - DAY, users[user]!.createdAt + rng.int(1, 30) * DAY);
    trainerRows.push([
      trainer.id, users[user]!.id,
      `${years} years' experience in ${specs.join(', ').toLowerCase()}. ` +
        rng.pick(['Known for practical, scenario-based sessions.', 'Former paramedic.', 'Qualified teacher (PGCE).', 'Speaks at industry events.', 'Coaches teams across the UK.', 'Loves a good case study.']),
      specs,
      expiresAt === null ? null : iso(expiresAt),
      active, Math.min(5 * ratingCount, Math.round(ratingCount * ratingAverage)), ratingCount,
      iso(createdAt),
      // Most coach from the UK; a few from abroad (chosen by position: the random draws stay as they were).
      TRAINER_TIME_ZONES[k % TRAINER_TIME_ZONES.length]!,
    ]);
    // The instructor qualification behind the expiry (renewed every three years), and for many a teaching award.
    if (expiresAt !== null) {
      const name = specs.map((s) => INSTRUCTOR_QUALIFICATIONS[s]).find((q) => q !== undefined) ?? `${specs[0]} practitioner certificate`;
      qualificationRows.push([rng.uuid(), trainer.id, name, iso(expiresAt - 3 * 365 * DAY), iso(expiresAt), iso(createdAt)]);
    }
    if (isDemo || rng.chance(0.5)) {
      qualificationRows.push([rng.uuid(), trainer.id, TEACHING_AWARD, iso(anchor - rng.int(2, years + 1) * 365 * DAY), null, iso(createdAt)]);
    }
  });
  const activeByTopic = new Map<string, Trainer[]>();
  for (const trainer of trainers.filter((t) => t.active)) {
    for (const s of trainer.specializations) activeByTopic.set(s, [...(activeByTopic.get(s) ?? []), trainer]);
  }
  const activeTrainers = trainers.filter((t) => t.active);
  const demoTrainerEntity = at(trainers, 0);
  const topicIdByKey = new Map(input.topics.map((t) => [t.seed.key, t.id]));

  const rankOf = new Map(popularity.map((course, rank) => [course, rank]));
  const sessions: SessionEntity[] = [];
  const sessionRows: Row[] = [];
  const sessionTopicRows: Row[] = [];
  const priceRows: Row[] = [];
  const venueCalendar = new Calendar();
  const trainerCalendar = new Calendar();

  /** Places a session near `dayOffset`; false when its venue is taken on every day tried. */
  const addSession = (courseIndex: number, dayOffset: number, venue: Venue | null, preferredTrainer: Trainer | null, offerPrice: boolean): boolean => {
    const course = at(courses, courseIndex);
    const inPerson = venue !== null;
    const startMinutes = inPerson ? rng.pick([9 * 60, 9 * 60 + 30]) : rng.pick([8 * 60, 12 * 60, 17 * 60, 18 * 60 + 30]);
    let length: number;
    if (!inPerson) length = Math.min(course.durationMinutes, rng.pick([60, 90, 120, 180])) * MINUTE;
    else if (course.durationMinutes > 480) length = (Math.ceil(course.durationMinutes / 360) - 1) * DAY + 7.5 * HOUR;
    else length = (course.durationMinutes + (course.durationMinutes > 240 ? 60 : 0)) * MINUTE;
    let startsAt: number | null = null;
    for (const shift of DAY_SHIFTS) {
      const day = dayOffset + shift;
      if (day === 0 || Math.sign(day) !== Math.sign(dayOffset)) continue;
      const start = anchor + day * DAY + startMinutes * MINUTE;
      if (!venue || venueCalendar.isFree(venue.id, start, start + length)) {
        startsAt = start;
        dayOffset = day;
        break;
      }
    }
    if (startsAt === null) return false;
    const endsAt = startsAt + length;

    let status: SessionEntity['status'];
    if (endsAt <= anchor) status = rng.chance(0.07) ? 'CANCELLED' : 'COMPLETED';
    else if (startsAt <= anchor) status = 'IN_PROGRESS';
    else if (rng.chance(0.03)) status = 'CANCELLED';
    else status = dayOffset <= 14 ? (rng.chance(0.75) ? 'CONFIRMED' : 'SCHEDULED') : rng.chance(0.15) ? 'CONFIRMED' : 'SCHEDULED';
    const holdsSlot = status !== 'CANCELLED';

    const certifying = ON_SITE_TOPICS.has(course.topic.key);
    const capacity = inPerson
      ? Math.min(venue.seed.capacity, certifying ? 12 : rng.int(10, 30))
      : rng.weighted([[12, 2], [16, 2], [20, 3], [25, 2], [30, 2], [50, 1], [100, 1]]);
    // Popular courses fill up, and sessions fill as their date comes closer; none is full.
    const rank = rankOf.get(courseIndex) ?? popularity.length;
    const appeal = 1 - (0.6 * rank) / Math.max(1, popularity.length);
    let fill: number;
    if (status === 'CANCELLED') fill = 0;
    else if (status === 'COMPLETED' || status === 'IN_PROGRESS') fill = 0.45 + 0.55 * rng.next();
    else fill = appeal * (1 - dayOffset / 150) * (0.3 + 0.7 * rng.next()) + 0.1 * rng.next();
    const seatsTaken = Math.max(0, Math.min(capacity - 1, Math.floor(capacity * fill)));

    // A trainer free then, whose qualification lasts to the session's end.
    const canTeach = (t: Trainer) =>
      (t.qualificationExpiresAt === null || t.qualificationExpiresAt >= endsAt) && (!holdsSlot || trainerCalendar.isFree(t.id, startsAt, endsAt));
    let trainer: Trainer | null = preferredTrainer && canTeach(preferredTrainer) ? preferredTrainer : null;
    if (!trainer && !(status === 'SCHEDULED' && dayOffset > 30 && rng.chance(0.15))) {
      const qualified = activeByTopic.get(course.topic.name) ?? activeTrainers;
      for (let i = 0; i < TRAINER_TRIES && !trainer && qualified.length > 0; i++) {
        const candidate = rng.pick(qualified);
        if (canTeach(candidate)) trainer = candidate;
      }
    }
    if (holdsSlot) {
      if (venue) venueCalendar.book(venue.id, startsAt, endsAt);
      if (trainer) trainerCalendar.book(trainer.id, startsAt, endsAt);
    }
    const trainerUser = trainer ? users[trainer.user]! : null;
    const earliest = Math.max(course.publishedAt ?? course.createdAt, trainerUser ? trainerUser.createdAt : 0);
    const createdAt = Math.max(earliest, Math.min(anchor - HOUR, startsAt - rng.int(14, 90) * DAY));

    const id = rng.uuid();
    sessions.push({ id, course: courseIndex, startsAt, status, seatsTaken, trainerUser: trainer ? trainer.user : null, createdAt, city: venue?.seed.city ?? null });
    sessionRows.push([
      id, course.id, venue?.id ?? null, trainer?.id ?? null, iso(startsAt), iso(endsAt), status, capacity, seatsTaken,
      inPerson ? null : `https://meet.example.com/academy/${rng.hex(12)}`,
      status === 'CANCELLED' ? rng.pick(CANCELLATION_REASONS) : null, status === 'CANCELLED' ? iso(createdAt) : null, iso(createdAt),
    ]);
    // Topics: the hand-written courses name their catalogue topic; broker (financial services)
    // sessions, and some others, list what they cover as plain names.
    const topics: (readonly [name: string | null, topicId: string | null])[] = [];
    const catalogueTopic = topicIdByKey.get(course.topic.key);
    const handWritten = course.reference || course.slug === BROKER_COURSE.slug;
    if (handWritten && catalogueTopic) topics.push([null, catalogueTopic]);
    if (handWritten || course.topic.key === 'financial-services' || rng.chance(0.3)) {
      for (const concept of rng.sample(course.topic.concepts, rng.int(1, 3))) topics.push([capitalise(concept), null]);
    }
    topics.forEach(([name, topicId], i) => sessionTopicRows.push([id, i + 1, name, topicId]));
    // An early-bird offer on some upcoming sessions overrides the course price.
    const price = course.price;
    if (price && price.amountMinor > 0 && status !== 'CANCELLED' && dayOffset > 0 && (offerPrice || rng.chance(0.05))) {
      const amount = Math.max(500, Math.round((price.amountMinor * 0.85) / 500) * 500);
      priceRows.push([rng.uuid(), null, id, amount, price.currency, iso(createdAt), iso(createdAt)]);
    }
    return true;
  };

  const firstAidVenues = venues.filter((v) => v.seed.firstAid);
  const venueChoices = (onSite: boolean) =>
    venues.filter((v) => onSite || !v.seed.onSite).map((v) => [v, v.seed.firstAid ? 3 : 2] as const);

  // The first-aid company runs its three courses every week, each at another of its venues in
  // turn (so they never share one), first, so that the week stays whole whatever comes after.
  const monday = -((new Date(anchor).getUTCDay() + 6) % 7);
  REFERENCE_COURSES.forEach((reference, r) => {
    const index = courses.findIndex((c) => c.reference && c.slug === reference.slug);
    if (index < 0) return;
    let upcoming = 0;
    for (let week = -27; week <= 18; week++) {
      const day = monday + 7 * week + reference.weekday;
      if (day === 0 || day < -180 || day > 120) continue;
      const venue = at(firstAidVenues, (((week + 2 * r) % firstAidVenues.length) + firstAidVenues.length) % firstAidVenues.length);
      // The demo trainer runs the first two upcoming sessions of each course.
      const demo = day > 0 && upcoming < 2;
      addSession(index, day, venue, demo ? demoTrainerEntity : null, day > 0 && upcoming === 0);
      if (day > 0) upcoming++;
    }
  });

  // The broker-training company runs its course every other week, mostly online, from three
  // months back to four ahead, with the broker trainer where they are free.
  const brokerCourse = courses.findIndex((c) => c.slug === BROKER_COURSE.slug);
  const brokerTrainer = trainers.find((t) => t.active && t.specializations.includes('Financial services')) ?? null;
  if (brokerCourse >= 0) {
    for (let fortnight = -6; fortnight <= 8; fortnight++) {
      const day = monday + 14 * fortnight + BROKER_COURSE.weekday;
      if (day === 0) continue;
      addSession(brokerCourse, day, rng.chance(0.25) ? rng.weighted(venueChoices(false)) : null, brokerTrainer, day > 0 && fortnight === 1);
    }
  }

  courses.forEach((course, index) => {
    if (course.status === 'DRAFT' || course.reference || index === brokerCourse) return;
    const publishedDaysAgo = Math.floor((anchor - (course.publishedAt ?? anchor)) / DAY);
    const inPersonVenues = venueChoices(ON_SITE_TOPICS.has(course.topic.key));
    const place = () => (rng.chance(course.topic.inPersonShare) ? rng.weighted(inPersonVenues) : null);
    if (course.status === 'PUBLISHED') {
      const upcoming = rng.weighted([[0, 8], [1, 12], [2, 20], [3, 20], [4, 15], [5, 10], [6, 8], [8, 7]]);
      for (let k = 0; k < upcoming; k++) addSession(index, rng.int(1, 120), place(), null, false);
      const maxPast = Math.min(180, publishedDaysAgo - 1);
      if (maxPast >= 1) for (let k = rng.int(0, 6); k > 0; k--) addSession(index, -rng.int(1, maxPast), place(), null, false);
    } else {
      // Archived courses ran before they were archived.
      const archivedDaysAgo = Math.floor((anchor - course.updatedAt) / DAY);
      if (publishedDaysAgo - archivedDaysAgo >= 2) {
        for (let k = rng.int(0, 4); k > 0; k--) addSession(index, -rng.int(archivedDaysAgo + 1, publishedDaysAgo - 1), place(), null, false);
      }
    }
  });

  const coursePriceRows: Row[] = courses
    .filter((course) => course.price !== null)
    .map((course) => [
      rng.uuid(), course.id, null, course.price!.amountMinor, course.price!.currency, iso(course.createdAt),
      iso(course.publishedAt ?? course.createdAt),
    ]);
  const prices = [...coursePriceRows, ...priceRows];
  // Learning's copy of the course prices, as commerce's CoursePriceSet events would have left it:
  // the same amounts, set when commerce's rows were last changed.
  const priceCopyRows: Row[] = courses
    .filter((course) => course.price !== null)
    .map((course) => [course.id, course.price!.amountMinor, course.price!.currency, iso(course.publishedAt ?? course.createdAt)]);

  // Events: open days, summits and meet-ups over the past two months and the coming five, a
  // third of them by the demo organizer; one in eight called off.
  const eventRows: Row[] = [];
  const slugs = new Set<string>();
  const organizers = input.organizers.length > 0 ? input.organizers : [input.demoOrganizer];
  for (let i = 0; i < input.events; i++) {
    const seed = at(EVENT_SEEDS, i % EVENT_SEEDS.length);
    const round = Math.floor(i / EVENT_SEEDS.length);
    const name = round === 0 ? seed.name : `${seed.name} ${round + 1}`;
    let slug = slugify(name);
    for (let n = 2; slugs.has(slug); n++) slug = `${slugify(name)}-${n}`;
    slugs.add(slug);
    const startsAt = anchor + rng.int(-60, 150) * DAY + rng.pick([9, 10, 13, 18]) * HOUR;
    const endsAt = startsAt + rng.pick([2, 3, 6, 8]) * HOUR;
    const venue = rng.chance(0.7) ? rng.pick(venues.filter((v) => !v.seed.onSite)) : null;
    const organizer = i % 3 === 0 ? input.demoOrganizer : rng.pick(organizers);
    const createdAt = Math.max(users[organizer]!.createdAt, Math.min(anchor - HOUR, startsAt - rng.int(20, 90) * DAY));
    eventRows.push([
      rng.uuid(), slug, name, seed.description, iso(startsAt), iso(endsAt), venue?.id ?? null, users[organizer]!.id,
      i % 8 === 7 ? 'CANCELLED' : 'SCHEDULED', iso(createdAt),
    ]);
  }

  return {
    sessions,
    tables: [
      { table: 'scheduling.venues', total: venueRows.length, rows: venueRows },
      { table: 'scheduling.trainers', total: trainerRows.length, rows: trainerRows },
      { table: 'scheduling.trainer_qualifications', total: qualificationRows.length, rows: qualificationRows },
      { table: 'scheduling.training_sessions', total: sessionRows.length, rows: sessionRows },
      { table: 'scheduling.session_topics', total: sessionTopicRows.length, rows: sessionTopicRows },
      { table: 'scheduling.events', total: eventRows.length, rows: eventRows },
      { table: 'commerce.prices', total: prices.length, rows: prices },
      { table: 'learning.course_prices', total: priceCopyRows.length, rows: priceCopyRows },
    ],
  };
}
