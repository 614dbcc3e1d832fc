// Coaching tips, course recommendations and event tasks through the gateway. Tips are written by
// the local generator and linked to topics (reused across topics, none linked twice even when
// calls race); a session's trainer sees the tips of its topics. Recommendations come from
// ai-analytics' copies of learning's events, driven here by the real authoring and enroll
// mutations. Events reach ai-analytics through scheduling's EventScheduled, published here on
// scheduling's own role.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase } from '@academy/service-kit';
import { appendEvent } from '@academy/service-kit/events';
import { setTimeout as delay } from 'node:timers/promises';
import { as, signUpWithRoles, type SignedUpUser } from './support/clients.js';
import { adminRows, insertRows, uuid, withAdmin } from './support/fixtures.js';
import { startStack, type TestStack } from './support/stack.js';

const GENERATE = /* GraphQL */ `
  mutation Generate($topicId: ID!, $count: Int, $tone: CoachingTipTone, $audience: CoachingTipAudience) {
    generateCoachingTips(topicId: $topicId, count: $count, tone: $tone, audience: $audience) { id text tone audience topic { id name } }
  }
`;
const TOPIC_TIPS = /* GraphQL */ `query { topics { id name coachingTips { id text topic { id } } } }`;
const SESSION_TIPS = /* GraphQL */ `query Session($id: ID!) { trainingSession(id: $id) { id coachingTips { text topic { id name } } } }`;
const RECOMMENDED = /* GraphQL */ `query Mine($first: Int) { me { recommendedCourses(first: $first) { id title } } }`;
const PROPOSE = /* GraphQL */ `mutation Propose($eventId: ID!) { proposeEventTasks(eventId: $eventId) { id kind title dueAt status event { id name } } }`;
const ACCEPT = /* GraphQL */ `mutation Accept($id: ID!) { acceptEventTask(id: $id) { id kind status acceptedAt } }`;
const EVENT_TASKS = /* GraphQL */ `query Tasks($eventId: ID!, $all: Boolean) { eventTasks(eventId: $eventId, includeProposed: $all) { id kind status } }`;
const EVENT = /* GraphQL */ `query Event($slug: String!) { event(slug: $slug) { id name tasks { kind title dueAt } } }`;

const WAIT_MS = 20_000;

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await delay(25);
  }
}

interface Tip { id: string; text: string; tone: string; audience: string; topic: { id: string; name: string } | null }
type ErrorBody = { message: string; extensions?: { code?: string; field?: string } };

describe('coaching tips, recommendations and event tasks', () => {
  let stack: TestStack;
  let author: SignedUpUser;
  let trainer: SignedUpUser;
  let organizer: SignedUpUser;
  let otherOrganizer: SignedUpUser;
  let admin: SignedUpUser;
  const learners: SignedUpUser[] = [];
  const topics = { first: uuid(), second: uuid(), race: uuid(), session: uuid() };

  const errorOf = async (user: SignedUpUser | null, query: string, variables: Record<string, unknown>) => {
    const { body } = await stack.query(query, variables, user ? { authorization: `Bearer ${user.accessToken}` } : {});
    return body.errors?.[0] as ErrorBody | undefined;
  };
  const generate = async (user: SignedUpUser, variables: Record<string, unknown>) =>
    (await as<{ generateCoachingTips: Tip[] }>(stack, user, GENERATE, variables)).generateCoachingTips;

  beforeAll(async () => {
    stack = await startStack();
    [author, trainer, organizer, otherOrganizer, admin] = await Promise.all([
      signUpWithRoles(stack, 'Author', ['CONTENT_AUTHOR']),
      signUpWithRoles(stack, 'Trainer', ['TRAINER']),
      signUpWithRoles(stack, 'Organizer', ['ORGANIZER']),
      signUpWithRoles(stack, 'Olga', ['ORGANIZER']),
      signUpWithRoles(stack, 'Admin', ['ADMIN']),
    ]);
    learners.push(...(await Promise.all(['Ada', 'Ben', 'Cai', 'Dee', 'Eve', 'Finn', 'Fay'].map((name) => signUpWithRoles(stack, name, ['LEARNER'])))));
    await withAdmin(stack.database.adminUrl, (db) =>
      insertRows(db, 'learning.topics', [
        { id: topics.first, name: 'Resuscitation' },
        { id: topics.second, name: 'Bandaging' },
        { id: topics.race, name: 'Burns' },
        { id: topics.session, name: 'Choking' },
      ]),
    );
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  describe('coaching tips', () => {
    it('writes tips for a topic, new ones on each call, and lists them on the topic', async () => {
      const first = await generate(author, { topicId: topics.first, count: 3 });
      expect(first).toHaveLength(3);
      for (const tip of first) {
        expect(tip).toMatchObject({ tone: 'PRACTICAL', audience: 'MIXED', topic: { id: topics.first, name: 'Resuscitation' } });
      }
      const second = await generate(author, { topicId: topics.first, count: 3 });
      expect(second).toHaveLength(3);
      expect(new Set([...first, ...second].map((t) => t.text)).size).toBe(6);

      const { topics: listed } = await stack.query<{ topics: { id: string; coachingTips: { text: string; topic: { id: string } }[] }[] }>(TOPIC_TIPS).then((r) => r.body.data!);
      const tips = listed.find((t) => t.id === topics.first)!.coachingTips;
      expect(tips.map((t) => t.text)).toEqual([...first, ...second].map((t) => t.text));
      expect(tips.every((t) => t.topic.id === topics.first)).toBe(true);
    });

    it('reuses a text another topic has rather than storing it again', async () => {
      // Twelve texts per tone and audience: ten for the second topic share at least four with the first's six.
      const second = await generate(author, { topicId: topics.second, count: 10 });
      expect(second).toHaveLength(10);
      const firstTexts = (await adminRows<{ text: string }>(stack.database.adminUrl,
        'SELECT t.text FROM ai_analytics.topic_coaching_tips l JOIN ai_analytics.coaching_tips t ON t.id = l.tip_id WHERE l.topic_id = $1', [topics.first])).map((r) => r.text);
      const shared = second.filter((tip) => firstTexts.includes(tip.text));
      expect(shared.length).toBeGreaterThanOrEqual(4);
      const [counts] = await adminRows<{ tips: number; links: number }>(stack.database.adminUrl,
        `SELECT (SELECT count(*)::int FROM ai_analytics.coaching_tips WHERE text = ANY($1::text[])) AS tips,
                (SELECT count(*)::int FROM ai_analytics.topic_coaching_tips WHERE topic_id = ANY($2::uuid[])) AS links`,
        [[...new Set([...firstTexts, ...second.map((t) => t.text)])], [topics.first, topics.second]]);
      expect(counts).toEqual({ tips: 16 - shared.length, links: 16 });
    });

    it('links each tip to a topic once when calls race, and answers nothing new once the templates are used up', async () => {
      const answers = await Promise.all(Array.from({ length: 4 }, () => generate(author, { topicId: topics.race, count: 2, tone: 'DIRECT', audience: 'NEW_LEARNERS' })));
      const texts = answers.flat().map((t) => t.text);
      expect(texts).toHaveLength(8);
      expect(new Set(texts).size).toBe(8);
      expect(await generate(author, { topicId: topics.race, count: 10, tone: 'DIRECT', audience: 'NEW_LEARNERS' })).toHaveLength(4);
      expect(await generate(author, { topicId: topics.race, count: 10, tone: 'DIRECT', audience: 'NEW_LEARNERS' })).toEqual([]);
      // Another tone has texts of its own.
      expect(await generate(admin, { topicId: topics.race, count: 1, tone: 'ENCOURAGING', audience: 'NEW_LEARNERS' })).toHaveLength(1);
      const [links] = await adminRows<{ n: number }>(stack.database.adminUrl, 'SELECT count(*)::int AS n FROM ai_analytics.topic_coaching_tips WHERE topic_id = $1', [topics.race]);
      expect(links!.n).toBe(13);
    });

    it('refuses learners, bad counts and bad ids', async () => {
      expect((await errorOf(learners[0]!, GENERATE, { topicId: topics.first }))?.extensions?.code).toBe('FORBIDDEN');
      expect((await errorOf(null, GENERATE, { topicId: topics.first }))?.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await errorOf(author, GENERATE, { topicId: topics.first, count: 11 }))?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'count' });
      expect((await errorOf(author, GENERATE, { topicId: topics.first, count: 0 }))?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'count' });
      expect((await errorOf(author, GENERATE, { topicId: 'nope' }))?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'topicId' });
    });

    it("shows a session's trainer the tips of the session's topics, and nobody else but ADMIN", async () => {
      const tips = await generate(author, { topicId: topics.session, count: 2 });
      const trainerId = uuid();
      const session = uuid();
      const starts = new Date(Date.now() + 7 * 86_400_000);
      await withAdmin(stack.database.adminUrl, async (db) => {
        await insertRows(db, 'scheduling.trainers', [{ id: trainerId, user_id: trainer.id, specializations: [] }]);
        await insertRows(db, 'scheduling.training_sessions', [
          { id: session, course_id: uuid(), trainer_id: trainerId, starts_at: starts, ends_at: new Date(starts.getTime() + 3_600_000), capacity: 10 },
        ]);
        await insertRows(db, 'scheduling.session_topics', [
          { session_id: session, position: 1, name: null, topic_id: topics.session },
          { session_id: session, position: 2, name: 'Recovery position', topic_id: null },
          { session_id: session, position: 3, name: null, topic_id: topics.first },
        ]);
      });
      const seen = await as<{ trainingSession: { coachingTips: { text: string; topic: { id: string; name: string } }[] } }>(stack, trainer, SESSION_TIPS, { id: session });
      const byTopic = seen.trainingSession.coachingTips.map((t) => t.topic.id);
      expect(byTopic.slice(0, 2)).toEqual([topics.session, topics.session]);
      expect(seen.trainingSession.coachingTips.slice(0, 2).map((t) => t.text)).toEqual(tips.map((t) => t.text));
      expect(byTopic.slice(2).every((id) => id === topics.first)).toBe(true);
      expect(byTopic).toHaveLength(8);
      expect(seen.trainingSession.coachingTips[0]!.topic.name).toBe('Choking');

      const asAdmin = await as<{ trainingSession: { coachingTips: unknown[] } }>(stack, admin, SESSION_TIPS, { id: session });
      expect(asAdmin.trainingSession.coachingTips).toHaveLength(8);
      expect((await errorOf(learners[0]!, SESSION_TIPS, { id: session }))?.extensions?.code).toBe('FORBIDDEN');
    });
  });

  describe('recommended courses', () => {
    const courses: Record<string, string> = {};
    const publish = async (key: string, title: string, language: string, topicIds: string[]) => {
      const { createCourse } = await as<{ createCourse: { id: string } }>(stack, author,
        'mutation C($input: CreateCourseInput!) { createCourse(input: $input) { id } }', { input: { title, level: 'BEGINNER', language, topicIds } });
      const { addModule } = await as<{ addModule: { id: string } }>(stack, author, 'mutation M($id: ID!) { addModule(courseId: $id, title: "One") { id } }', { id: createCourse.id });
      await as(stack, author, 'mutation L($id: ID!) { addLesson(moduleId: $id, input: { title: "Only", kind: TEXT }) { id } }', { id: addModule.id });
      await as(stack, author, 'mutation P($id: ID!) { publishCourse(id: $id) { id } }', { id: createCourse.id });
      courses[key] = createCourse.id;
    };
    const enroll = (user: SignedUpUser, key: string) => as(stack, user, 'mutation E($id: ID!) { enroll(courseId: $id) { id } }', { id: courses[key] });
    const recommended = async (user: SignedUpUser, first = 10) =>
      (await as<{ me: { recommendedCourses: { id: string; title: string }[] } }>(stack, user, RECOMMENDED, { first })).me.recommendedCourses.map((c) => c.title);
    const copied = (n: number) =>
      until(() => adminRows<{ n: number }>(stack.database.adminUrl, 'SELECT count(*)::int AS n FROM ai_analytics.course_enrollments'), (rows) => rows[0]!.n === n, 'the enrollments to reach ai-analytics');

    beforeAll(async () => {
      await publish('x', 'Xylophone first aid', 'en-GB', [topics.first]);
      await publish('y', 'Yard safety', 'en-GB', []);
      await publish('z', 'Zero to first aid', 'en', []);
      await publish('w', 'Wound care', 'en-GB', [topics.first]);
      await publish('f', 'Premiers secours', 'fr-FR', []);
      const [ada, ben, cai, dee, eve] = learners;
      await enroll(ada!, 'x');
      await enroll(ben!, 'x');
      await enroll(ben!, 'y');
      await Promise.all([enroll(cai!, 'z'), enroll(dee!, 'z'), enroll(eve!, 'z')]);
      await copied(6);
    }, 60_000);

    it('ranks the course co-taken with the viewer\'s first, then one sharing a topic, and never one the viewer has', async () => {
      const titles = await recommended(learners[0]!);
      expect(titles.slice(0, 3)).toEqual(['Yard safety', 'Wound care', 'Zero to first aid']);
      expect(titles).not.toContain('Xylophone first aid');
      expect(titles).toHaveLength(4);
      expect(await recommended(learners[0]!, 1)).toEqual(['Yard safety']);
    });

    it('drops a course once the viewer has it', async () => {
      await enroll(learners[0]!, 'y');
      await copied(7);
      const titles = await recommended(learners[0]!);
      expect(titles).not.toContain('Yard safety');
      expect(titles).not.toContain('Xylophone first aid');
      expect(titles[0]).toBe('Wound care');
    });

    it('starts a newcomer with the most popular courses in their language', async () => {
      const finn = learners[5]!;
      const fay = learners[6]!;
      const english = await recommended(finn);
      expect(english[0]).toBe('Zero to first aid');
      expect(english.at(-1)).toBe('Premiers secours');
      expect(english).toHaveLength(5);
      await as(stack, fay, 'mutation { updateMyProfile(input: { language: "fr" }) { id } }');
      expect((await recommended(fay))[0]).toBe('Premiers secours');
    });

    it('shows recommendations to the user only, and checks first', async () => {
      const { user } = await as<{ user: { recommendedCourses: unknown[] } }>(stack, learners[0]!, 'query U($id: ID!) { user(id: $id) { recommendedCourses { id } } }', { id: learners[1]!.id });
      expect(user.recommendedCourses).toEqual([]);
      expect((await errorOf(learners[0]!, RECOMMENDED, { first: 51 }))?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    });
  });

  describe('event tasks', () => {
    const eventId = uuid();
    const slug = 'first-aid-open-day';
    const startsAt = new Date(Date.now() + 60 * 86_400_000);
    const endsAt = new Date(startsAt.getTime() + 6 * 3_600_000);

    beforeAll(async () => {
      await withAdmin(stack.database.adminUrl, (db) =>
        insertRows(db, 'scheduling.events', [{ id: eventId, slug, name: 'First aid open day', starts_at: startsAt, ends_at: endsAt, organizer_id: organizer.id }]),
      );
      // As scheduling's createEvent publishes it, on scheduling's own role.
      const scheduling = createDatabase<any>({ connectionString: stack.database.urlFor('academy_scheduling'), poolSize: 1 });
      try {
        await scheduling.db.transaction().execute((trx) =>
          appendEvent(trx, 'scheduling', {
            type: 'EventScheduled',
            aggregateId: eventId,
            payload: { eventId, slug, name: 'First aid open day', organizerId: organizer.id, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() },
          }),
        );
      } finally {
        await scheduling.close();
      }
      await until(() => adminRows(stack.database.adminUrl, 'SELECT 1 FROM ai_analytics.scheduled_events WHERE event_id = $1', [eventId]), (rows) => rows.length === 1, 'the event to reach ai-analytics');
    }, 30_000);

    it('proposes tasks due relative to the event, once however many calls race', async () => {
      const answers = await Promise.all(Array.from({ length: 5 }, () =>
        as<{ proposeEventTasks: { id: string; kind: string; dueAt: string; status: string; event: { name: string } }[] }>(stack, organizer, PROPOSE, { eventId })));
      const ids = answers.map((a) => a.proposeEventTasks.map((t) => t.id).sort());
      expect(new Set(ids.map((list) => list.join())).size).toBe(1);
      const tasks = answers[0]!.proposeEventTasks;
      expect(tasks).toHaveLength(7);
      expect(tasks.every((t) => t.status === 'PROPOSED' && t.event.name === 'First aid open day')).toBe(true);
      const venue = tasks.find((t) => t.kind === 'book_venue')!;
      expect(new Date(venue.dueAt).getTime()).toBe(startsAt.getTime() - 30 * 86_400_000);
      const followUp = tasks.find((t) => t.kind === 'send_follow_up')!;
      expect(new Date(followUp.dueAt).getTime()).toBe(endsAt.getTime() + 86_400_000);
      const [rows] = await adminRows<{ n: number }>(stack.database.adminUrl, 'SELECT count(*)::int AS n FROM ai_analytics.event_tasks WHERE event_id = $1', [eventId]);
      expect(rows!.n).toBe(7);
    });

    it("accepts a task onto the event's list, shown to its organizer and ADMIN only", async () => {
      const { proposeEventTasks } = await as<{ proposeEventTasks: { id: string; kind: string }[] }>(stack, organizer, PROPOSE, { eventId });
      const venue = proposeEventTasks.find((t) => t.kind === 'book_venue')!;
      const accepted = await as<{ acceptEventTask: { status: string; acceptedAt: string } }>(stack, organizer, ACCEPT, { id: venue.id });
      expect(accepted.acceptEventTask.status).toBe('ACCEPTED');
      const again = await as<{ acceptEventTask: { acceptedAt: string } }>(stack, admin, ACCEPT, { id: venue.id });
      expect(again.acceptEventTask.acceptedAt).toBe(accepted.acceptEventTask.acceptedAt);

      expect((await as<{ eventTasks: { kind: string }[] }>(stack, organizer, EVENT_TASKS, { eventId })).eventTasks.map((t) => t.kind)).toEqual(['book_venue']);
      expect((await as<{ eventTasks: unknown[] }>(stack, admin, EVENT_TASKS, { eventId, all: true })).eventTasks).toHaveLength(7);
      const { event } = await as<{ event: { tasks: { kind: string; title: string }[] } }>(stack, organizer, EVENT, { slug });
      expect(event.tasks).toEqual([expect.objectContaining({ kind: 'book_venue', title: 'Book the venue' })]);

      expect((await errorOf(otherOrganizer, EVENT, { slug }))?.extensions?.code).toBe('FORBIDDEN');
      expect((await errorOf(otherOrganizer, EVENT_TASKS, { eventId }))?.extensions?.code).toBe('FORBIDDEN');
      expect((await errorOf(otherOrganizer, PROPOSE, { eventId }))?.extensions?.code).toBe('FORBIDDEN');
      expect((await errorOf(otherOrganizer, ACCEPT, { id: venue.id }))?.extensions?.code).toBe('FORBIDDEN');
      expect((await errorOf(organizer, PROPOSE, { eventId: uuid() }))?.extensions?.code).toBe('NOT_FOUND');
      expect((await errorOf(organizer, ACCEPT, { id: uuid() }))?.extensions?.code).toBe('NOT_FOUND');
      expect((await errorOf(organizer, PROPOSE, { eventId: 'x' }))?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'eventId' });
    });
  });
});
