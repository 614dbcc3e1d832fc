// The assistant through the gateway, offline (the local provider): answers that cite real
// courses (resolved by learning through the federation), documents kept fresh by learning's
// course events, conversation history for its owner only, the answer streamed over graphql-ws,
// usage per user and day, and the daily quota tripping at its limit.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { adminRows, insertRows, withAdmin } from './support/fixtures.js';
import { as, collect, signUpUser, signUpWithRoles, wsClient, type SignedUpUser } from './support/clients.js';
import { startStack, type TestStack } from './support/stack.js';

// Waits on event consumers (see until) may be long when the shared server is busy.
jest.setTimeout(400_000);

let stack: TestStack;
let author: SignedUpUser;
let learner: SignedUpUser;
let other: SignedUpUser;
let admin: SignedUpUser;
const courses: Record<string, string> = {};

interface Errors {
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const ASK = `mutation($c: ID, $m: String!) { askAssistant(conversationId: $c, message: $m) {
  id conversationId role content tokenCount citations { id title slug } } }`;

type Answer = { id: string; conversationId: string; role: string; content: string; tokenCount: number; citations: { id: string; title: string; slug: string }[] };

async function ask(user: SignedUpUser, message: string, conversationId?: string): Promise<Answer> {
  return (await as<{ askAssistant: Answer }>(stack, user, ASK, { c: conversationId ?? null, m: message })).askAssistant;
}

async function askRaw(user: SignedUpUser, message: string, conversationId?: string): Promise<Errors> {
  return (await stack.query(ASK, { c: conversationId ?? null, m: message }, { authorization: `Bearer ${user.accessToken}` })).body;
}

/**
 * Waits for a consumer's work. Outbox readers see an event only once every older transaction
 * of the PostgreSQL server has ended (a long seed elsewhere on it delays them): hence the long wait.
 */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const documentOf = (courseId: string) =>
  adminRows<{ content: string; status: string }>(stack.database.adminUrl, 'SELECT content, status FROM ai_analytics.course_documents WHERE course_id = $1', [courseId]);

/** Writes, outlines and publishes a course as the author; returns its id once the assistant's document has it. */
async function publishCourse(title: string, summary: string, description: string, modules: Record<string, string[]>): Promise<string> {
  const { createCourse } = await as<{ createCourse: { id: string } }>(stack, author, 'mutation($input: CreateCourseInput!) { createCourse(input: $input) { id } }', {
    input: { title, summary, description, level: 'BEGINNER', language: 'en-GB' },
  });
  for (const [moduleTitle, lessons] of Object.entries(modules)) {
    const { addModule } = await as<{ addModule: { id: string } }>(stack, author, 'mutation($c: ID!, $t: String!) { addModule(courseId: $c, title: $t) { id } }', { c: createCourse.id, t: moduleTitle });
    for (const lesson of lessons) {
      await as(stack, author, 'mutation($m: ID!, $t: String!) { addLesson(moduleId: $m, input: { title: $t, kind: VIDEO }) { id } }', { m: addModule.id, t: lesson });
    }
  }
  await as(stack, author, 'mutation($id: ID!) { publishCourse(id: $id) { id } }', { id: createCourse.id });
  await until(() => documentOf(createCourse.id), (rows) => rows.length === 1, `the document of ${title}`);
  return createCourse.id;
}

beforeAll(async () => {
  stack = await startStack();
  [author, learner, other, admin] = await Promise.all([
    signUpWithRoles(stack, 'Author', ['LEARNER', 'CONTENT_AUTHOR']),
    signUpUser(stack, 'Learner'),
    signUpUser(stack, 'Other'),
    signUpWithRoles(stack, 'Admin', ['ADMIN']),
  ]);
  courses.paediatric = await publishCourse(
    'Paediatric First Aid',
    'First aid for babies and children, for nursery staff and parents.',
    'Learn to help an infant or child who is choking, unresponsive or burnt.',
    { 'Emergencies with children': ['CPR for babies and children', 'Choking infants'], 'Illness and injury': ['Burns and scalds', 'Febrile seizures'] },
  );
  courses.manualHandling = await publishCourse(
    'Manual Handling at Work',
    'Lift, carry and move loads safely.',
    'Posture, team lifts and risk assessment for warehouses and offices.',
    { Basics: ['Safe lifting technique', 'Assessing a load'] },
  );
  courses.fireSafety = await publishCourse(
    'Fire Safety Awareness',
    'Prevent fires at work and evacuate safely.',
    'Fire extinguishers, alarms, evacuation plans and the fire warden role.',
    { 'Fire at work': ['Using extinguishers', 'Evacuation drills'] },
  );
}, 600_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the assistant, offline', () => {
  it('answers a catalogue question citing real courses, which resolve through the gateway to their titles', async () => {
    const answer = await ask(learner, 'What should I learn to help a choking baby?');
    expect(answer.role).toBe('ASSISTANT');
    expect(answer.citations[0]).toEqual({ id: courses.paediatric, title: 'Paediatric First Aid', slug: 'paediatric-first-aid' });
    expect(answer.citations.map((c) => c.id)).not.toContain(courses.fireSafety);
    expect(answer.content).toContain('Paediatric First Aid (/courses/paediatric-first-aid)');
    expect(answer.tokenCount).toBeGreaterThan(0);
    // Deterministic: the same question gets the same answer.
    expect((await ask(learner, 'What should I learn to help a choking baby?')).content).toBe(answer.content);
  });

  it('says so, citing nothing, when no course matches', async () => {
    const answer = await ask(learner, 'quantum chromodynamics');
    expect(answer.citations).toEqual([]);
    expect(answer.content).toMatch(/no course/);
  });

  it('keeps documents fresh from learning’s events: a new lesson of a published course and an archived course', async () => {
    const [module] = await adminRows<{ id: string }>(stack.database.adminUrl, 'SELECT id FROM learning.modules WHERE course_id = $1 ORDER BY position LIMIT 1', [courses.fireSafety]);
    await as(stack, author, 'mutation($m: ID!) { addLesson(moduleId: $m, input: { title: "Lithium battery fires", kind: VIDEO }) { id } }', { m: module!.id });
    await until(() => documentOf(courses.fireSafety!), (rows) => rows[0]?.content.includes('Lithium battery fires') ?? false, 'the new lesson in the document');
    expect((await ask(learner, 'lithium batteries')).citations.map((c) => c.id)).toEqual([courses.fireSafety]);

    expect((await ask(learner, 'posture for team lifts')).citations.map((c) => c.id)).toEqual([courses.manualHandling]);
    await as(stack, author, 'mutation($id: ID!) { archiveCourse(id: $id) { id } }', { id: courses.manualHandling });
    await until(() => documentOf(courses.manualHandling!), (rows) => rows[0]?.status === 'ARCHIVED', 'the archived status');
    expect((await ask(learner, 'posture for team lifts')).citations).toEqual([]);
  });

  it('keeps the conversation: a follow-up continues it, history is in order, titled after the first question', async () => {
    const first = await ask(other, 'Is there a course on fire evacuation?');
    const second = await ask(other, 'And one about extinguishers?', first.conversationId);
    expect(second.conversationId).toBe(first.conversationId);
    const { aiConversation } = await as<{ aiConversation: { title: string; messages: { role: string; content: string; citations: { id: string }[] }[] } }>(
      stack,
      other,
      'query($id: ID!) { aiConversation(id: $id) { title messages { role content citations { id } } } }',
      { id: first.conversationId },
    );
    expect(aiConversation.title).toBe('Is there a course on fire evacuation?');
    expect(aiConversation.messages.map((m) => [m.role, m.role === 'USER' ? m.content : m.citations.map((c) => c.id)])).toEqual([
      ['USER', 'Is there a course on fire evacuation?'],
      ['ASSISTANT', [courses.fireSafety]],
      ['USER', 'And one about extinguishers?'],
      ['ASSISTANT', [courses.fireSafety]],
    ]);
    const { aiConversations } = await as<{ aiConversations: { id: string }[] }>(stack, other, '{ aiConversations { id } }');
    expect(aiConversations.map((c) => c.id)).toEqual([first.conversationId]);
  });

  it('lets only the owner continue or read a conversation (ADMIN reads it too)', async () => {
    const mine = await ask(learner, 'fire extinguishers');
    const intrusion = await askRaw(other, 'hello?', mine.conversationId);
    expect(intrusion.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const read = 'query($id: ID!) { aiConversation(id: $id) { id messages { id } } }';
    expect(await as(stack, other, read, { id: mine.conversationId })).toEqual({ aiConversation: null });
    expect((await as<{ aiConversation: { messages: unknown[] } }>(stack, admin, read, { id: mine.conversationId })).aiConversation.messages).toHaveLength(2);
    const anonymous = await stack.query(ASK, { c: null, m: 'hello' });
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const rows = await adminRows<{ n: number }>(stack.database.adminUrl, 'SELECT count(*)::int AS n FROM ai_analytics.ai_messages WHERE conversation_id = $1', [mine.conversationId]);
    expect(rows).toEqual([{ n: 2 }]);
  });

  it('refuses an empty or too long question with BAD_USER_INPUT naming the field', async () => {
    for (const message of ['   ', 'x'.repeat(4001)]) {
      const { errors } = await askRaw(learner, message);
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'message' });
    }
    expect((await askRaw(learner, 'fire', 'not-a-uuid')).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'conversationId' });
  });

  it('streams the answer through the gateway chunk by chunk, then the stored message with its citations', async () => {
    const client = wsClient(stack.gateway.url, learner);
    try {
      type Event = { chunk: string | null; message: { id: string; content: string; conversationId: string; citations: { id: string; title: string }[] } | null };
      const events = collect<Event>(
        client,
        'subscription($m: String!) { askAssistantStream(message: $m) { chunk message { id content conversationId citations { id title } } } }',
        { m: 'CPR for children' },
        (data) => data.askAssistantStream as Event,
      );
      await events.ended();
      expect(events.errors).toEqual([]);
      const chunks = events.events.filter((e) => e.chunk !== null);
      const last = events.events.at(-1)!;
      expect(chunks.length).toBeGreaterThan(2);
      expect(last.chunk).toBeNull();
      expect(last.message!.content).toBe(chunks.map((e) => e.chunk).join('').trim());
      expect(last.message!.citations[0]).toEqual({ id: courses.paediatric, title: 'Paediatric First Aid' });
      const stored = await adminRows<{ content: string }>(stack.database.adminUrl, 'SELECT content FROM ai_analytics.ai_messages WHERE id = $1', [last.message!.id]);
      expect(stored).toEqual([{ content: last.message!.content }]);
    } finally {
      await client.dispose();
    }
  });

  it('counts tokens and cost per user and day: each user sees their own, ADMIN sees everyone’s', async () => {
    const usage = '{ aiUsage { totalCount edges { node { user { id } day requests tokensIn tokensOut costMinor currency } } } }';
    type Usage = { aiUsage: { totalCount: number; edges: { node: { user: { id: string }; day: string; requests: number; tokensIn: number; tokensOut: number; currency: string } }[] } };
    const mine = (await as<Usage>(stack, other, usage)).aiUsage;
    expect(mine.totalCount).toBe(1);
    expect(mine.edges[0]!.node).toMatchObject({ user: { id: other.id }, day: new Date().toISOString().slice(0, 10), requests: 2, currency: 'USD' });
    const [sums] = await adminRows<{ tokens: number }>(
      stack.database.adminUrl,
      `SELECT sum(m.token_count)::int AS tokens FROM ai_analytics.ai_messages m JOIN ai_analytics.ai_conversations c ON c.id = m.conversation_id WHERE c.user_id = $1`,
      [other.id],
    );
    expect(mine.edges[0]!.node.tokensIn + mine.edges[0]!.node.tokensOut).toBe(sums!.tokens);
    const forbidden = await stack.query('query($u: ID) { aiUsage(userId: $u) { totalCount } }', { u: learner.id }, { authorization: `Bearer ${other.accessToken}` });
    expect(forbidden.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const everyone = (await as<Usage>(stack, admin, usage)).aiUsage;
    expect(new Set(everyone.edges.map((e) => e.node.user.id))).toEqual(new Set([learner.id, other.id]));
  });

  it('trips the daily quota at its limit: RATE_LIMITED with the next UTC midnight, over HTTP and over the stream', async () => {
    const quotaUser = await signUpUser(stack, 'Quota');
    const today = new Date().toISOString().slice(0, 10);
    // One token under LEARNER's 20,000: the question is answered (and passes the limit)...
    await withAdmin(stack.database.adminUrl, (client) =>
      insertRows(client, 'ai_analytics.ai_usage', [{ user_id: quotaUser.id, day: today, requests: 5, tokens_in: 15_000, tokens_out: 4_999, cost_thousandths: 0, currency: 'USD' }]),
    );
    await ask(quotaUser, 'fire safety');
    // ...and the next one is refused, until midnight UTC.
    const refused = await askRaw(quotaUser, 'fire safety');
    const midnight = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 + 86_400_000).toISOString();
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', resetsAt: midnight, quota: 20_000 });
    const client = wsClient(stack.gateway.url, quotaUser);
    try {
      const events = collect(client, 'subscription { askAssistantStream(message: "fire") { chunk } }', {}, (data) => data);
      await events.ended();
      expect(events.events).toEqual([]);
      expect(events.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED', resetsAt: midnight }) })]);
    } finally {
      await client.dispose();
    }
    const [row] = await adminRows<{ requests: number }>(stack.database.adminUrl, 'SELECT requests FROM ai_analytics.ai_usage WHERE user_id = $1', [quotaUser.id]);
    expect(row!.requests).toBe(6);
  });
});
