import type { Account } from './accounts.js';
import { planAnalytics } from './analytics.generator.js';
import { demoAnalyticsReports, domainAnalyticsEvents } from './domain-analytics.generator.js';
import { generateAssistant } from './assistant.generator.js';
import { courseRows, generateCatalogue, generateEnrollments } from './catalogue.generator.js';
import { generateLearningPaths } from './learning-paths.generator.js';
import { generateCertificates, generateMaterials, lessonProgressFill } from './learning-records.generator.js';
import { generateChat } from './chat.generator.js';
import { generateCoaching } from './coaching.generator.js';
import { generateCommerce } from './commerce.generator.js';
import { generateCommunity } from './community.generator.js';
import { DAY, seedSizes, type TableRows } from './model.js';
import { generatePeople } from './people.generator.js';
import { generatePosts } from './posts.generator.js';
import { Prng } from './prng.js';
import { generateCoachingTips, generateEventTasks, generateRecommendationData } from './recommendations.generator.js';
import { generateSchedule } from './schedule.generator.js';
import { generateNotifications } from './notifications.generator.js';
import { generateRegistrations } from './registrations.generator.js';
import { SEEDED_TABLES, TABLE_SPECS } from './tables.js';

/** Where seats_taken is in a training session row. */
const SEATS_TAKEN_COLUMN = TABLE_SPECS['scheduling.training_sessions'].columns.findIndex(([name]) => name === 'seats_taken');

/** Every random choice of the demo data descends from this seed. */
const DATA_SEED = 'academy-supergraph demo data v1';

/** The generator the account ids are drawn from. */
export function accountRng(): Prng {
  return new Prng(DATA_SEED).fork('accounts');
}

/** Midnight UTC of `now`'s day: data is placed relative to it, so it only moves once a day. */
export function anchorOf(now: Date): number {
  return Math.floor(now.getTime() / DAY) * DAY;
}

/**
 * The whole demo data set at `scale`, as rows per table in load order. The same scale gives
 * the same ids and text every time; times move with the current day.
 */
export function buildDataset(scale: number, now: Date, accounts: readonly Account[]): TableRows[] {
  const sizes = seedSizes(scale);
  const anchor = anchorOf(now);
  const root = new Prng(DATA_SEED);

  const people = generatePeople(root.fork('people'), anchor, sizes, accounts);
  const { users, demo } = people;
  const learners = users.map((_, i) => i).filter((i) => users[i]!.account === null);

  const catalogue = generateCatalogue(root.fork('catalogue'), anchor, sizes.courses, users, people.authors, demo.CONTENT_AUTHOR);
  const enrollments = generateEnrollments(root.fork('enrollments'), anchor, users, catalogue.courses, learners, demo.LEARNER, 3);
  const trainerUsers = [demo.TRAINER, ...people.trainers];
  const schedule = generateSchedule(root.fork('schedule'), {
    anchor,
    users,
    courses: catalogue.courses,
    popularity: enrollments.popularity,
    topics: catalogue.topics,
    trainerUsers: people.trainers,
    demoTrainer: demo.TRAINER,
    organizers: people.organizers,
    demoOrganizer: demo.ORGANIZER,
    events: sizes.events,
  });
  const coaching = generateCoaching(root.fork('coaching'), {
    anchor,
    users,
    learners,
    demoLearner: demo.LEARNER,
    trainerRows: schedule.tables.find((t) => t.table === 'scheduling.trainers')?.rows ?? [],
    sessions: schedule.sessions,
  });
  const seats = generateRegistrations(root.fork('registrations'), anchor, users, learners, catalogue.courses, schedule.sessions);
  // Each session's seats_taken is the number of its registrations holding a seat.
  schedule.sessions.forEach((session, i) => (session.seatsTaken = seats.seatsTaken[i]!));
  const sessionTable = schedule.tables.find((t) => t.table === 'scheduling.training_sessions')!;
  sessionTable.rows = [...sessionTable.rows].map((row, i) => row.map((cell, k) => (k === SEATS_TAKEN_COLUMN ? seats.seatsTaken[i]! : cell)));
  const rooms = generateCommunity(root.fork('community'), {
    anchor,
    users,
    learners,
    courses: catalogue.courses,
    sessions: schedule.sessions,
    trainerUsers,
    organizers: [demo.ORGANIZER, ...people.organizers],
    admin: people.admin,
    demoLearner: demo.LEARNER,
    demoOrganizer: demo.ORGANIZER,
    groupRooms: sizes.groupRooms,
    directRooms: sizes.directRooms,
    coachingRooms: sizes.coachingRooms,
  });
  const chat = generateChat(root.fork('chat'), { anchor, users, rooms, messages: sizes.chatMessages });
  const posts = generatePosts(root.fork('posts'), {
    anchor,
    users,
    learners,
    rooms,
    admin: people.admin,
    demoLearner: demo.LEARNER,
    posts: sizes.posts,
  });
  const delivery = generateNotifications(root.fork('notifications'), {
    anchor,
    users,
    learners,
    demoLearner: demo.LEARNER,
    sessions: schedule.sessions,
    sessionRows: [...sessionTable.rows],
    registrationRows: [...(seats.tables.find((t) => t.table === 'scheduling.registrations')?.rows ?? [])],
  });
  // The chat's notifications (being added to rooms), then those of posts and of the other domains.
  const notificationTable = chat.find((t) => t.table === 'community.notifications')!;
  const memberAdded = notificationTable.rows;
  notificationTable.total += posts.notifications.length + delivery.notifications.length;
  notificationTable.rows = (function* () {
    yield* memberAdded;
    yield* posts.notifications;
    yield* delivery.notifications;
  })();
  // Commerce: the orders behind paid seats and priced enrollments, tickets, and its copies.
  const commerce = generateCommerce(root.fork('commerce'), {
    anchor,
    users,
    learners,
    admin: people.admin,
    demoLearner: demo.LEARNER,
    demoOrganizer: demo.ORGANIZER,
    courses: catalogue.courses,
    enrollmentsByUser: enrollments.byUser,
    sessions: schedule.sessions,
    sessionRows: [...sessionTable.rows],
    registrationRows: [...(seats.tables.find((t) => t.table === 'scheduling.registrations')?.rows ?? [])],
    priceRows: [...(schedule.tables.find((t) => t.table === 'commerce.prices')?.rows ?? [])],
    eventRows: [...(schedule.tables.find((t) => t.table === 'scheduling.events')?.rows ?? [])],
  });
  // Learning records how each enrollment was granted: an enrollment in a priced course by its order.
  const enrollmentRows = [...enrollments.table.rows];
  enrollments.table.rows = enrollmentRows.map((row) => {
    const orderId = commerce.orderOfEnrollment.get(String(row[0])) ?? null;
    return [...row, orderId ? 'ORDER' : 'FREE', orderId];
  });
  const events = planAnalytics(root.fork('analytics'), {
    anchor,
    users,
    eventUsers: [demo.LEARNER, ...learners],
    courses: catalogue.courses,
    popularity: enrollments.popularity,
    enrollmentsByUser: enrollments.byUser,
    sessions: schedule.sessions,
    perUser: sizes.eventsPerUser,
  });
  // Then what the recording consumers would have made of the domain rows loaded before.
  events.derived = domainAnalyticsEvents(anchor);
  const analyst = accounts.find((a) => a.role === 'ANALYST');
  if (!analyst) throw new Error('no demo analyst account');
  // A few learners besides the demo one have asked the assistant: one in 50, at least 3.
  const askers = [demo.LEARNER, ...learners.filter((_, i) => i % 50 === 7).slice(0, Math.max(3, Math.round(learners.length / 50)))];
  const assistant = generateAssistant(root.fork('assistant'), { anchor, users, courses: catalogue.courses, askers });

  const all = [
    ...people.tables,
    ...catalogue.tables,
    courseRows(catalogue.courses, users),
    generateMaterials(root.fork('materials'), catalogue.courses),
    enrollments.table,
    lessonProgressFill(anchor, catalogue.courses, enrollments.byUser),
    generateCertificates(root.fork('certificates'), anchor, users, catalogue.courses, enrollments.byUser, demo.LEARNER),
    ...generateLearningPaths(root.fork('learning-paths'), anchor, catalogue.courses),
    ...schedule.tables,
    ...commerce.tables,
    ...coaching,
    ...seats.tables,
    ...chat,
    ...posts.tables,
    ...delivery.tables,
    events,
    demoAnalyticsReports(root.fork('analytics-reports'), anchor, analyst.id),
    ...generateCoachingTips(root.fork('coaching-tips'), anchor, catalogue.topics),
    ...generateRecommendationData({
      anchor,
      users,
      courses: catalogue.courses,
      enrollmentsByUser: enrollments.byUser,
      courseTopicRows: [...catalogue.tables.find((t) => t.table === 'learning.course_topics')!.rows],
    }),
    ...generateEventTasks(root.fork('event-tasks'), anchor, [...schedule.tables.find((t) => t.table === 'scheduling.events')!.rows]),
    ...assistant,
  ];
  return SEEDED_TABLES.map((table) => {
    const found = all.find((t) => t.table === table);
    if (!found) throw new Error(`no rows generated for ${table}`);
    return found;
  });
}
