import type { Row } from './bulk-insert.js';
import { DAY, iso, type CourseEntity, type EnrollmentEntity, type TableRows, type TopicEntity, type UserEntity } from './model.js';
import type { Prng } from './prng.js';

/**
 * ai-analytics' copies of learning's courses and enrollments, as learning's CoursePublished /
 * CourseUpdated and EnrollmentCreated events would have left them (every enrollment ever made,
 * cancelled ones too), with the popularity and co-enrollment counts the consumer keeps.
 */
export function generateRecommendationData(input: {
  anchor: number;
  users: readonly UserEntity[];
  courses: readonly CourseEntity[];
  enrollmentsByUser: readonly (readonly EnrollmentEntity[])[];
  /** learning.course_topics rows: [course_id, topic_id]. */
  courseTopicRows: readonly Row[];
}): TableRows[] {
  const topicsByCourse = new Map<string, string[]>();
  for (const [courseId, topicId] of input.courseTopicRows) {
    const list = topicsByCourse.get(courseId as string) ?? [];
    list.push(topicId as string);
    topicsByCourse.set(courseId as string, list);
  }
  const catalogue: Row[] = input.courses.map((course) => [
    course.id, course.title, course.language, course.status, topicsByCourse.get(course.id) ?? [],
    iso(Math.max(course.updatedAt, course.publishedAt ?? course.createdAt)),
  ]);

  const enrollments: Row[] = [];
  const popularity = new Map<number, number>();
  const similarity = new Map<string, number>();
  input.enrollmentsByUser.forEach((list, user) => {
    const userId = input.users[user]!.id;
    for (const enrollment of list) {
      enrollments.push([userId, input.courses[enrollment.course]!.id, iso(enrollment.enrolledAt)]);
      popularity.set(enrollment.course, (popularity.get(enrollment.course) ?? 0) + 1);
    }
    for (const a of list) {
      for (const b of list) {
        if (a.course === b.course) continue;
        const key = `${input.courses[a.course]!.id}|${input.courses[b.course]!.id}`;
        similarity.set(key, (similarity.get(key) ?? 0) + 1);
      }
    }
  });
  const popularityRows: Row[] = [...popularity].map(([course, n]) => [input.courses[course]!.id, n]);
  const similarityRows: Row[] = [...similarity].map(([key, n]) => {
    const [a, b] = key.split('|');
    return [a!, b!, n, iso(input.anchor)];
  });
  return [
    { table: 'ai_analytics.course_catalogue', total: catalogue.length, rows: catalogue },
    { table: 'ai_analytics.course_enrollments', total: enrollments.length, rows: enrollments },
    { table: 'ai_analytics.course_popularity', total: popularityRows.length, rows: popularityRows },
    { table: 'ai_analytics.course_similarity', total: similarityRows.length, rows: similarityRows },
  ];
}

/** Demo coaching tips: each written once, most shared by several topics, as tip generation leaves them. */
const DEMO_TIPS: readonly [text: string, tone: string, audience: string][] = [
  ['Open by asking each learner what they already know about the topic, however little.', 'DIRECT', 'NEW_LEARNERS'],
  ['Show one complete example of the topic before explaining any part of it. Keep it under five minutes.', 'PRACTICAL', 'NEW_LEARNERS'],
  ['Get learners practising the topic within the first fifteen minutes: early success builds confidence.', 'ENCOURAGING', 'MIXED'],
  ['Name the three mistakes people most often make with the topic, and how to avoid them.', 'DIRECT', 'MIXED'],
  ['Check understanding with a one-question quiz before moving on. Ask, wait ten seconds, then choose who answers.', 'PRACTICAL', 'MIXED'],
  ['Ask learners to bring a real case of the topic from their own work.', 'DIRECT', 'EXPERIENCED_LEARNERS'],
  ['Pair an experienced learner with a new one and have them swap roles halfway.', 'PRACTICAL', 'MIXED'],
  ['Close with a round where each learner names one thing they will use first: saying it aloud makes it stick.', 'ENCOURAGING', 'MIXED'],
];

/** Three or four tips per topic, linked by the topic's author-less demo data. */
export function generateCoachingTips(rng: Prng, anchor: number, topics: readonly TopicEntity[]): TableRows[] {
  const tips: Row[] = DEMO_TIPS.map(([text, tone, audience]) => [rng.uuid(), text, tone, audience, iso(anchor - 60 * DAY)]);
  const links: Row[] = [];
  for (const topic of topics) {
    for (const tip of rng.sample(tips, rng.int(3, 4))) links.push([topic.id, tip[0]!, iso(anchor - rng.int(1, 59) * DAY)]);
  }
  return [
    { table: 'ai_analytics.coaching_tips', total: tips.length, rows: tips },
    { table: 'ai_analytics.topic_coaching_tips', total: links.length, rows: links },
  ];
}

/** The checklist the event task generator proposes: due `days` before the start (negative: after the end). */
const CHECKLIST: readonly [kind: string, title: string, description: string, days: number][] = [
  ['book_venue', 'Book the venue', 'Confirm the room, its capacity and access times in writing.', 30],
  ['confirm_speakers', 'Confirm speakers and trainers', 'Agree topics, timings and travel with everyone presenting.', 21],
  ['announce', 'Announce the event', 'Publish the event page and tell past attendees and partners.', 21],
  ['order_catering', 'Order catering', 'Order food and drinks for the expected numbers, with dietary needs.', 10],
  ['prepare_materials', 'Prepare materials', 'Print handouts and badges; test slides and equipment.', 3],
  ['send_reminder', 'Send a reminder', 'Remind registered attendees of the time, place and what to bring.', 1],
  ['send_follow_up', 'Send thanks and a feedback survey', 'Thank attendees, share materials and ask for feedback.', -1],
];

/**
 * ai-analytics' copy of scheduling's events (as EventScheduled leaves it) and, for two events
 * in three, the proposed checklist with the tasks due by now accepted by the organizer.
 * `eventRows` are scheduling.events rows: id, slug, name, description, starts_at, ends_at,
 * venue_id, organizer_id, status, created_at.
 */
export function generateEventTasks(rng: Prng, anchor: number, eventRows: readonly Row[]): TableRows[] {
  const copies: Row[] = eventRows.map((e) => [e[0]!, e[1]!, e[2]!, e[7]!, e[4]!, e[5]!]);
  const tasks: Row[] = [];
  eventRows.forEach((event, i) => {
    if (i % 3 === 2) return;
    const startsAt = Date.parse(event[4] as string);
    const endsAt = Date.parse(event[5] as string);
    const proposedAt = Math.min(anchor, Date.parse(event[9] as string) + DAY);
    for (const [kind, title, description, days] of CHECKLIST) {
      const dueAt = days >= 0 ? startsAt - days * DAY : endsAt - days * DAY;
      const accepted = dueAt <= anchor + 14 * DAY && rng.chance(0.8);
      const acceptedAt = accepted ? iso(Math.min(anchor, proposedAt + rng.int(1, 48) * 3_600_000)) : null;
      tasks.push([rng.uuid(), event[0]!, kind, title, description, iso(dueAt), accepted ? 'ACCEPTED' : 'PROPOSED', iso(proposedAt), acceptedAt, accepted ? event[7]! : null]);
    }
  });
  return [
    { table: 'ai_analytics.scheduled_events', total: copies.length, rows: copies },
    { table: 'ai_analytics.event_tasks', total: tasks.length, rows: tasks },
  ];
}
