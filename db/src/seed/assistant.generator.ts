// The assistant's demo data: a course document for every course in the catalogue (as the
// consumer of learning's course events builds it), a few conversations with answers that cite
// real courses, and the usage they counted.
import type { Row } from './bulk-insert.js';
import { DAY, HOUR, MINUTE, iso, type CourseEntity, type TableRows, type UserEntity } from './model.js';
import { at, type Prng } from './prng.js';

/** The prices and currency the demo usage is costed at (the defaults of AI_PRICE_*_PER_1K_MINOR). */
const PRICE_INPUT_PER_1K = 1;
const PRICE_OUTPUT_PER_1K = 3;
const CURRENCY = 'USD';

/** Questions a learner might ask, with the words that find their courses. */
const QUESTIONS: readonly ((course: CourseEntity) => string)[] = [
  (c) => `Which course should I take to learn about ${c.topic.name.toLowerCase()}?`,
  (c) => `Is there a ${c.level.toLowerCase()} course on ${c.topic.name.toLowerCase()}?`,
  (c) => `I need training in ${c.topic.name.toLowerCase()} for work. What do you recommend?`,
];
const FOLLOW_UPS: readonly string[] = ['Which of these is the shortest?', 'Does it come with a certificate?', 'Anything for complete beginners?'];

const tokens = (text: string) => (text.length === 0 ? 0 : Math.ceil(text.length / 4));

/** The searchable text of a course, as ai-analytics' course-document service writes it. */
export function courseDocumentText(course: CourseEntity): string {
  const parts = [course.summary, course.description].filter((p) => p.trim().length > 0).map((p) => p.trim());
  for (const module of course.outline) parts.push(`${module.title}: ${module.lessons.join('; ')}.`);
  return parts.join('\n');
}

/** An answer as the local provider composes it: a line per cited course. */
function answerFor(question: string, cited: readonly CourseEntity[]): string {
  const lines = [cited.length === 1 ? `One course in the catalogue matches “${question}”:\n` : `${cited.length} courses in the catalogue match “${question}”:\n`];
  cited.forEach((c, i) => lines.push(`${i + 1}. ${c.title} (/courses/${c.slug}): ${c.summary.replace(/\s+/g, ' ').slice(0, 160)}\n`));
  lines.push('Open a course for its outline, sessions and price.');
  return lines.join('').trim();
}

export interface AssistantInput {
  anchor: number;
  users: readonly UserEntity[];
  courses: readonly CourseEntity[];
  /** Users with conversations: the demo learner first. */
  askers: readonly number[];
}

/** Course documents, conversations, their messages and the usage per user and day. */
export function generateAssistant(rng: Prng, input: AssistantInput): TableRows[] {
  const { anchor, users, courses } = input;
  const documents: Row[] = courses
    .filter((c) => c.status !== 'DRAFT')
    .map((c) => {
      const at = Math.max(c.updatedAt, c.publishedAt ?? c.updatedAt);
      return [c.id, c.slug, c.title, c.language, c.status, courseDocumentText(c), iso(at), iso(at)];
    });

  const published = courses.filter((c) => c.status === 'PUBLISHED');
  const conversations: Row[] = [];
  const messages: Row[] = [];
  const usage = new Map<string, { userId: string; day: string; requests: number; tokensIn: number; tokensOut: number; last: number }>();
  input.askers.forEach((asker, k) => {
    const user = at(users, asker);
    // The demo learner has two conversations, one of them with a follow-up; the others one each.
    const count = k === 0 ? 2 : 1;
    for (let n = 0; n < count; n++) {
      const subject = k === 0 && n === 0 ? published.find((c) => c.reference) ?? rng.pick(published) : rng.pick(published);
      const cited = [subject, ...published.filter((c) => c !== subject && c.topic === subject.topic).slice(0, 2)];
      const question = rng.pick(QUESTIONS)(subject);
      const turns = k === 0 && n === 0 ? [question, rng.pick(FOLLOW_UPS)] : [question];
      const start = Math.max(user.createdAt + HOUR, anchor - rng.int(1, 20) * DAY) + rng.int(0, 10 * 60) * MINUTE;
      const conversationId = rng.uuid();
      let time = start;
      turns.forEach((asked, t) => {
        const answer = answerFor(asked, cited);
        // The prompt: the instructions, the passages and the conversation so far (as estimated offline).
        const promptTokens = 120 + tokens(asked) + cited.reduce((sum, c) => sum + tokens(c.summary), 0) + t * 150;
        const answerTokens = tokens(answer);
        messages.push([rng.uuid(), conversationId, 2 * t + 1, 'USER', asked, promptTokens, [], iso(time)]);
        time += rng.int(2, 9) * 1000;
        messages.push([rng.uuid(), conversationId, 2 * t + 2, 'ASSISTANT', answer, answerTokens, cited.map((c) => c.id), iso(time)]);
        const day = iso(time).slice(0, 10);
        const key = `${user.id} ${day}`;
        const entry = usage.get(key) ?? { userId: user.id, day, requests: 0, tokensIn: 0, tokensOut: 0, last: time };
        entry.last = Math.max(entry.last, time);
        entry.requests += 1;
        entry.tokensIn += promptTokens;
        entry.tokensOut += answerTokens;
        usage.set(key, entry);
        time += rng.int(1, 5) * MINUTE;
      });
      const title = question.length > 80 ? `${question.slice(0, 79).trimEnd()}…` : question;
      conversations.push([conversationId, user.id, title, iso(start), iso(time)]);
    }
  });
  const usageRows: Row[] = [...usage.values()].map((u) => [
    rng.uuid(),
    u.userId, u.day, u.requests, u.tokensIn, u.tokensOut, u.tokensIn * PRICE_INPUT_PER_1K + u.tokensOut * PRICE_OUTPUT_PER_1K, CURRENCY, iso(u.last),
  ]);
  return [
    { table: 'ai_analytics.course_documents', total: documents.length, rows: documents },
    { table: 'ai_analytics.ai_conversations', total: conversations.length, rows: conversations },
    { table: 'ai_analytics.ai_messages', total: messages.length, rows: messages },
    { table: 'ai_analytics.ai_usage', total: usageRows.length, rows: usageRows },
  ];
}
