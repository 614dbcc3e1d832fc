import type { Row } from './bulk-insert.js';
import { DAY, HOUR, MINUTE, iso, type CourseEntity, type SessionEntity, type TableRows, type UserEntity } from './model.js';
import { at, type Prng } from './prng.js';
import { TOPICS, VENUES, type VenueSeed } from './reference-data.js';
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
}

export interface Schedule {
  sessions: SessionEntity[];
  tables: TableRows[];
}

/** Topics whose courses may be held at the client's own premises. */
const ON_SITE_TOPICS = new Set(['first-aid', 'paediatrics', 'workplace-safety']);

/**
 * Venues, trainers (the synthetic ones and the demo trainer), training sessions in the past
 * and the coming four months, and prices: one per priced course plus a few session offers.
 */
export function generateSchedule(
  rng: Prng,
  anchor: number,
  users: readonly UserEntity[],
  courses: readonly CourseEntity[],
  popularity: readonly number[],
  trainerUsers: readonly number[],
  demoTrainer: number,
  referenceSessions: number,
): Schedule {
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
    const specs = [...specializations];
    const active = isDemo || rng.chance(0.95);
    const certifies = specs.some((s) => TOPICS.find((t) => t.name === s)?.certificateMonths);
    const ratingCount = isDemo ? 48 : Math.floor(rng.exponential(40));
    const ratingAverage = 3.6 + rng.next() * 1.4;
    const years = rng.int(2, 25);
    const trainer: Trainer = { id: rng.uuid(), user, specializations: specs, active };
    trainers.push(trainer);
    trainerRows.push([
      trainer.id, users[user]!.id,
      `${years} years' experience in ${specs.join(', ').toLowerCase()}. ` +
        rng.pick(['Known for practical, scenario-based sessions.', 'Former paramedic.', 'Qualified teacher (PGCE).', 'Speaks at industry events.', 'Coaches teams across the UK.', 'Loves a good case study.']),
      specs,
      // Certifying trainers hold a qualification that expires; a few have let it lapse.
      certifies || rng.chance(0.4) ? iso(anchor + rng.int(-60, 1000) * DAY) : null,
      active, Math.min(5 * ratingCount, Math.round(ratingCount * ratingAverage)), ratingCount,
      iso(Math.min(anchor - DAY, users[user]!.createdAt + rng.int(1, 30) * DAY)),
    ]);
  });
  const activeByTopic = new Map<string, Trainer[]>();
  for (const trainer of trainers.filter((t) => t.active)) {
    for (const s of trainer.specializations) activeByTopic.set(s, [...(activeByTopic.get(s) ?? []), trainer]);
  }
  const activeTrainers = trainers.filter((t) => t.active);
  const demoTrainerEntity = at(trainers, 0);

  const rankOf = new Map(popularity.map((course, rank) => [course, rank]));
  const sessions: SessionEntity[] = [];
  const sessionRows: Row[] = [];
  const priceRows: Row[] = [];

  const addSession = (courseIndex: number, dayOffset: number, venue: Venue | null, forcedTrainer: Trainer | null, offerPrice: boolean) => {
    const course = at(courses, courseIndex);
    const inPerson = venue !== null;
    const startMinutes = inPerson ? rng.pick([9 * 60, 9 * 60 + 30]) : rng.pick([8 * 60, 12 * 60, 17 * 60, 18 * 60 + 30]);
    const startsAt = anchor + dayOffset * DAY + startMinutes * MINUTE;
    let length: number;
    if (!inPerson) length = Math.min(course.durationMinutes, rng.pick([60, 90, 120, 180])) * MINUTE;
    else if (course.durationMinutes > 480) length = (Math.ceil(course.durationMinutes / 360) - 1) * DAY + 7.5 * HOUR;
    else length = (course.durationMinutes + (course.durationMinutes > 240 ? 60 : 0)) * MINUTE;
    const endsAt = startsAt + length;

    let status: SessionEntity['status'];
    if (endsAt <= anchor) status = rng.chance(0.07) ? 'CANCELLED' : 'COMPLETED';
    else if (startsAt <= anchor) status = 'IN_PROGRESS';
    else if (rng.chance(0.03)) status = 'CANCELLED';
    else status = dayOffset <= 14 ? (rng.chance(0.75) ? 'CONFIRMED' : 'SCHEDULED') : rng.chance(0.15) ? 'CONFIRMED' : 'SCHEDULED';

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

    let trainer: Trainer | null = forcedTrainer;
    if (!trainer && !(status === 'SCHEDULED' && dayOffset > 30 && rng.chance(0.15))) {
      const qualified = activeByTopic.get(course.topic.name) ?? activeTrainers;
      trainer = qualified.length > 0 ? rng.pick(qualified) : null;
    }
    const trainerUser = trainer ? users[trainer.user]! : null;
    const earliest = Math.max(course.publishedAt ?? course.createdAt, trainerUser ? trainerUser.createdAt : 0);
    const createdAt = Math.max(earliest, Math.min(anchor - HOUR, startsAt - rng.int(14, 90) * DAY));

    const id = rng.uuid();
    sessions.push({ id, course: courseIndex, startsAt, status, seatsTaken, trainerUser: trainer ? trainer.user : null, createdAt, city: venue?.seed.city ?? null });
    sessionRows.push([
      id, course.id, venue?.id ?? null, trainer?.id ?? null, iso(startsAt), iso(endsAt), status, capacity, seatsTaken,
      inPerson ? null : `https://meet.example.com/academy/${rng.hex(12)}`,
      status === 'CANCELLED' ? rng.pick(CANCELLATION_REASONS) : null, iso(createdAt),
    ]);
    // An early-bird offer on some upcoming sessions overrides the course price.
    const price = course.price;
    if (price && price.amountMinor > 0 && status !== 'CANCELLED' && dayOffset > 0 && (offerPrice || rng.chance(0.05))) {
      const amount = Math.max(500, Math.round((price.amountMinor * 0.85) / 500) * 500);
      priceRows.push([rng.uuid(), null, id, amount, price.currency, iso(createdAt), iso(createdAt)]);
    }
  };

  const firstAidVenues = venues.filter((v) => v.seed.firstAid);
  const venueChoices = (onSite: boolean) =>
    venues.filter((v) => onSite || !v.seed.onSite).map((v) => [v, v.seed.firstAid ? 3 : 2] as const);
  const referenceVenueChoices = firstAidVenues.map((v) => [v, v.seed.onSite ? 15 : v.seed.city === 'Leeds' ? 30 : 20] as const);

  courses.forEach((course, index) => {
    if (course.status === 'DRAFT') return;
    const publishedDaysAgo = Math.floor((anchor - (course.publishedAt ?? anchor)) / DAY);
    if (course.reference) {
      // The first-aid company runs its courses all year round at its own venues.
      const days = (count: number, from: number, to: number) => Array.from({ length: count }, () => rng.int(from, to)).sort((a, b) => a - b);
      days(referenceSessions, 1, 120).forEach((day, k) =>
        addSession(index, day, rng.weighted(referenceVenueChoices), k < 2 ? demoTrainerEntity : null, k === 0));
      days(referenceSessions, -180, -1).forEach((day, k) =>
        addSession(index, day, rng.weighted(referenceVenueChoices), k < 2 ? demoTrainerEntity : null, false));
      return;
    }
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

  return {
    sessions,
    tables: [
      { table: 'scheduling.venues', total: venueRows.length, rows: venueRows },
      { table: 'scheduling.trainers', total: trainerRows.length, rows: trainerRows },
      { table: 'scheduling.training_sessions', total: sessionRows.length, rows: sessionRows },
      { table: 'commerce.prices', total: prices.length, rows: prices },
      { table: 'learning.course_prices', total: priceCopyRows.length, rows: priceCopyRows },
    ],
  };
}
