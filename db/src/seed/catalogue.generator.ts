import type { Row } from './bulk-insert.js';
import {
  DAY, HOUR, capitalise, iso, isoOrNull, truncate,
  type CourseEntity, type CourseStatus, type EnrollmentEntity, type TableRows, type TopicEntity, type UserEntity,
} from './model.js';
import { type Prng, ZipfSampler, at } from './prng.js';
import { BROKER_COURSE, REFERENCE_COURSES, TOPICS, type CourseLevel, type LessonKind } from './reference-data.js';
import { LESSON_PATTERNS, MODULE_CLOSINGS, MODULE_MIDDLES, MODULE_OPENINGS, TITLE_PATTERNS } from './word-lists.js';

function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export interface Catalogue {
  topics: TopicEntity[];
  courses: CourseEntity[];
  /** Rows that do not depend on later generators: topics, course topics, modules, lessons. */
  tables: TableRows[];
}

const LEVEL_WORD: Record<CourseLevel, string> = { BEGINNER: 'friendly, practical', INTERMEDIATE: 'hands-on', ADVANCED: 'in-depth' };

/** Durations in minutes a synthetic course may have, weighted by level. */
const DURATIONS: Record<CourseLevel, readonly (readonly [number, number])[]> = {
  BEGINNER: [[45, 3], [60, 4], [90, 4], [120, 4], [180, 3], [240, 2], [360, 2], [480, 1]],
  INTERMEDIATE: [[90, 2], [120, 3], [180, 4], [240, 4], [360, 4], [480, 3], [720, 2], [900, 1]],
  ADVANCED: [[180, 2], [240, 3], [360, 4], [480, 4], [720, 3], [900, 2], [1200, 2]],
};

function priceFor(rng: Prng, durationMinutes: number, language: string): { amountMinor: number; currency: string } {
  const currency = /^(fr|de|es|it|pt)-/.test(language) ? 'EUR' : language === 'en-US' || rng.chance(0.04) ? 'USD' : 'GBP';
  const points =
    durationMinutes <= 90 ? [1500, 1900, 2500, 2900]
    : durationMinutes <= 240 ? [3900, 4900, 5900, 7500]
    : durationMinutes <= 600 ? [7900, 9500, 12900, 14900]
    : [19900, 24900, 29900, 39900, 49900];
  return { amountMinor: rng.pick(points), currency };
}

function lessonBody(rng: Prng, kind: LessonKind, title: string, concept: string): string | null {
  switch (kind) {
    case 'TEXT':
      return (
        `${capitalise(concept)} comes up again and again in practice. This lesson explains what it is, ` +
        `why it matters and how to get it right, with a short checklist to keep. ` +
        rng.pick(['Take notes as you go.', 'Try the exercise at the end before moving on.', 'Most learners finish this in one sitting.'])
      );
    case 'VIDEO':
      return `A short video: ${title.toLowerCase()}. Captions and a transcript are available.`;
    case 'QUIZ':
      return `${rng.int(5, 15)} questions on ${concept}. The pass mark is 80%; you can retake it as often as you like.`;
    case 'LIVE':
      return null;
  }
}

function referenceLessonBody(kind: LessonKind, title: string): string | null {
  switch (kind) {
    case 'TEXT':
      return `${title}: what to look for, what to do and when to call 999. Practised with your trainer on the day; keep these notes for your refresher.`;
    case 'VIDEO':
      return `A demonstration of ${title.toLowerCase()} by a qualified trainer. Captions and a transcript are available.`;
    case 'QUIZ':
      return 'Multiple-choice questions on this module, answered on the day. The pass mark is 80%.';
    case 'LIVE':
      return null;
  }
}

/**
 * Topics, the reference courses and `courseCount - 3` synthetic ones, with their modules and
 * lessons. Reference courses are authored by `referenceAuthor`; the others by `authors`.
 */
export function generateCatalogue(
  rng: Prng,
  anchor: number,
  courseCount: number,
  users: readonly UserEntity[],
  authors: readonly number[],
  referenceAuthor: number,
): Catalogue {
  const topicCreatedAt = anchor - 800 * DAY;
  const topics: TopicEntity[] = TOPICS.map((seed) => ({ id: rng.uuid(), seed }));
  const topicByKey = new Map(topics.map((t) => [t.seed.key, t]));
  const topicRows: Row[] = topics.map((t) => [t.id, t.seed.name, t.seed.description, iso(topicCreatedAt)]);

  const courses: CourseEntity[] = [];
  const courseTopicRows: Row[] = [];
  const moduleRows: Row[] = [];
  const lessonRows: Row[] = [];
  const usedSlugs = new Set<string>();
  const usedTitles = new Set<string>();

  const addStructure = (course: CourseEntity, modules: readonly { title: string; lessons: readonly (readonly [string, LessonKind, number, string | null])[] }[]) => {
    modules.forEach((module, m) => {
      const moduleId = rng.uuid();
      moduleRows.push([moduleId, course.id, module.title, m + 1, iso(course.createdAt)]);
      course.outline.push({ title: module.title, lessons: module.lessons.map(([title]) => title) });
      module.lessons.forEach(([title, kind, minutes, body], l) => {
        const lessonId = rng.uuid();
        course.lessonIds.push(lessonId);
        lessonRows.push([lessonId, moduleId, title, kind, l + 1, minutes, body, iso(course.createdAt)]);
      });
    });
  };

  // The first-aid company's courses, as its seed data has them, and the broker-training
  // company's core course (not one of the first-aid company's: `reference` stays false).
  const handWritten = [...REFERENCE_COURSES.map((ref) => [ref, true] as const), [BROKER_COURSE, false] as const];
  for (const [ref, firstAid] of handWritten) {
    const primary = topicByKey.get(at(ref.topics, 0));
    if (!primary) throw new Error(`unknown topic ${ref.topics[0]}`);
    // Years old: certificates of their first learners have run out (36 months).
    const createdAt = anchor - (firstAid ? 1300 : 500) * DAY;
    const course: CourseEntity = {
      id: rng.uuid(),
      slug: ref.slug,
      title: ref.title,
      level: ref.level,
      language: 'en-GB',
      durationMinutes: ref.durationMinutes,
      status: 'PUBLISHED',
      topic: primary.seed,
      reference: firstAid,
      createdAt,
      publishedAt: createdAt + 10 * DAY,
      updatedAt: anchor - 30 * DAY,
      lessonIds: [],
      outline: [],
      price: { amountMinor: ref.priceMinor, currency: 'GBP' },
      enrollmentCount: 0,
      completedCount: 0,
      enrollees: [],
      summary: ref.summary,
      description: ref.description,
      author: referenceAuthor,
      certificateMonths: ref.certificateValidityMonths,
    };
    courses.push(course);
    usedSlugs.add(ref.slug);
    usedTitles.add(ref.title);
    for (const key of ref.topics) courseTopicRows.push([course.id, topicByKey.get(key)!.id]);
    addStructure(
      course,
      ref.modules.map((module) => ({
        title: module.title,
        lessons: module.lessons.map(([title, kind, minutes]) => [title, kind, minutes, referenceLessonBody(kind, title)] as const),
      })),
    );
  }

  const topicChoices = topics.map((t) => [t, t.seed.weight] as const);
  const synthetic = Math.max(0, courseCount - handWritten.length);
  for (let j = 0; j < synthetic; j++) {
    const topic = rng.weighted(topicChoices);
    const seed = topic.seed;
    const subject = rng.pick(seed.subjects);
    const [pattern, patternLevel] = rng.pick(TITLE_PATTERNS);
    const audience = rng.pick(seed.audiences);
    let title = pattern.replace('{s}', subject);
    if (usedTitles.has(title)) title = `${title} for ${capitalise(audience)}`;
    for (let edition = 2; usedTitles.has(title); edition++) title = `${pattern.replace('{s}', subject)}, edition ${edition}`;
    usedTitles.add(title);
    let slug = slugify(title);
    for (let n = 2; usedSlugs.has(slug); n++) slug = `${slugify(title)}-${n}`;
    usedSlugs.add(slug);

    const level: CourseLevel = patternLevel ?? rng.weighted<CourseLevel>([['BEGINNER', 45], ['INTERMEDIATE', 40], ['ADVANCED', 15]]);
    const language = rng.weighted([['en-GB', 80], ['en-US', 8], ['fr-FR', 4], ['de-DE', 4], ['es-ES', 4]]);
    const durationMinutes = rng.weighted(DURATIONS[level]);
    // The first is published and free, so that even the smallest catalogue has a free course.
    const freeForSure = j === 0;
    const status = freeForSure ? 'PUBLISHED' : rng.weighted<CourseStatus>([['PUBLISHED', 78], ['DRAFT', 13], ['ARCHIVED', 9]]);
    // The demo content author owns a couple of courses, so signing in as them shows something.
    const author = j < 2 ? referenceAuthor : rng.pick(authors.length > 0 ? authors : [referenceAuthor]);
    const authorJoined = users[author]!.createdAt;

    let createdAt: number;
    let publishedAt: number | null = null;
    let updatedAt: number;
    if (status === 'DRAFT') {
      createdAt = Math.max(authorJoined + DAY, anchor - rng.int(2, 120) * DAY - rng.int(0, 23) * HOUR);
      updatedAt = createdAt + Math.floor(rng.next() * (anchor - createdAt));
    } else if (status === 'PUBLISHED') {
      createdAt = Math.max(authorJoined + DAY, anchor - rng.int(40, 720) * DAY - rng.int(0, 23) * HOUR);
      publishedAt = Math.min(anchor - DAY, createdAt + rng.int(3, 30) * DAY);
      updatedAt = publishedAt + Math.floor(rng.next() * (anchor - publishedAt));
    } else {
      createdAt = Math.max(authorJoined + DAY, anchor - rng.int(400, 720) * DAY - rng.int(0, 23) * HOUR);
      publishedAt = Math.min(anchor - 2 * DAY, createdAt + rng.int(3, 30) * DAY);
      updatedAt = Math.min(anchor - DAY, publishedAt + rng.int(120, 300) * DAY);
    }
    const [c1, c2, c3] = rng.sample(seed.concepts, 3);
    const summary = rng.weighted([
      [`A ${LEVEL_WORD[level]} course on ${subject} for ${audience}.`, 1],
      [`Learn ${subject} through short lessons and real exercises, built for ${audience}.`, 1],
      [`Everything ${audience} need to know about ${subject}.`, 1],
    ]);
    const description =
      `You will work through ${c1 ?? subject}, ${c2 ?? 'core skills'} and ${c3 ?? 'practice'}, with examples from real teams. ` +
      (seed.inPersonShare > 0.5 ? 'Sessions run in person, with plenty of hands-on practice. ' : 'Study online at your own pace, with live sessions to ask questions. ') +
      (seed.certificateMonths ? `A certificate is issued on completion, valid for ${seed.certificateMonths} months.` : 'Finish every module to earn a completion badge.');
    const course: CourseEntity = {
      id: rng.uuid(),
      slug,
      title,
      level,
      language,
      durationMinutes,
      status,
      topic: seed,
      reference: false,
      createdAt,
      publishedAt,
      updatedAt,
      lessonIds: [],
      outline: [],
      price: !freeForSure && rng.chance(status === 'DRAFT' ? 0.5 : 0.92) ? priceFor(rng, durationMinutes, language) : null,
      enrollmentCount: 0,
      completedCount: 0,
      enrollees: [],
      summary,
      description,
      author,
      certificateMonths: seed.certificateMonths !== null && rng.chance(0.8) ? seed.certificateMonths : null,
    };
    courses.push(course);

    courseTopicRows.push([course.id, topic.id]);
    const extraTopics = rng.weighted([[0, 60], [1, 30], [2, 10]]);
    for (const other of rng.sample(topics.filter((t) => t !== topic), extraTopics)) courseTopicRows.push([course.id, other.id]);

    const moduleCount = rng.int(3, 8);
    const middles = rng.sample([...MODULE_MIDDLES, ...seed.concepts.map(capitalise)], moduleCount - 2);
    const moduleTitles = [rng.pick(MODULE_OPENINGS), ...middles, rng.pick(MODULE_CLOSINGS)];
    const lessonPatterns = LESSON_PATTERNS.map((p) => [p, p[2]] as const);
    addStructure(
      course,
      moduleTitles.map((moduleTitle) => ({
        title: moduleTitle,
        lessons: Array.from({ length: rng.int(3, 10) }, () => {
          const [lessonPattern, kind] = rng.weighted(lessonPatterns);
          const concept = rng.pick(seed.concepts);
          const lessonTitle = lessonPattern.replace('{c}', concept).replace('{C}', capitalise(concept));
          const minutes = kind === 'LIVE' ? rng.int(30, 90) : kind === 'QUIZ' ? rng.int(5, 15) : rng.int(5, 25);
          return [lessonTitle, kind, minutes, lessonBody(rng, kind, lessonTitle, concept)] as const;
        }),
      })),
    );
  }

  return {
    topics,
    courses,
    tables: [
      { table: 'learning.topics', total: topicRows.length, rows: topicRows },
      { table: 'learning.course_topics', total: courseTopicRows.length, rows: courseTopicRows },
      { table: 'learning.modules', total: moduleRows.length, rows: moduleRows },
      { table: 'learning.lessons', total: lessonRows.length, rows: lessonRows },
    ],
  };
}

/** Course rows; written after the enrollments so the counters match them. */
export function courseRows(courses: readonly CourseEntity[], users: readonly UserEntity[]): TableRows {
  const rows: Row[] = courses.map((course) => {
    return [
      course.id, course.slug, course.title, course.summary, course.description, course.level, course.language,
      course.durationMinutes, course.status, course.certificateMonths, users[course.author]!.id, course.enrollmentCount,
      course.completedCount, isoOrNull(course.publishedAt), iso(course.createdAt), iso(course.updatedAt),
    ];
  });
  return { table: 'learning.courses', total: rows.length, rows };
}

/**
 * About `perUser` enrollments per user, in courses drawn by a Zipf law over popularity; the
 * demo learner gets a completed EFAW, an FAW in progress and a Paediatric First Aid completed
 * years ago. Updates the courses' counters.
 */
export function generateEnrollments(
  rng: Prng,
  anchor: number,
  users: readonly UserEntity[],
  courses: CourseEntity[],
  learners: readonly number[],
  demoLearner: number,
  perUser: number,
): { popularity: number[]; byUser: EnrollmentEntity[][]; table: TableRows } {
  // Reference courses sit near the top of the charts; the rest in random order.
  const enrollable = courses.map((c, i) => [c, i] as const).filter(([c]) => c.status !== 'DRAFT');
  const referenceIdx = enrollable.filter(([c]) => c.reference).map(([, i]) => i);
  const popularity = rng.shuffle(enrollable.filter(([c]) => !c.reference).map(([, i]) => i));
  [0, 2, 4].forEach((rank, k) => {
    const idx = referenceIdx[k];
    if (idx !== undefined) popularity.splice(Math.min(rank, popularity.length), 0, idx);
  });
  const zipf = new ZipfSampler(popularity.length, 1.0);

  const byUser: EnrollmentEntity[][] = users.map(() => []);
  const rows: Row[] = [];
  const enroll = (user: number, courseIndex: number, forced?: { status: EnrollmentEntity['status']; daysAgo: number }): boolean => {
    const course = courses[courseIndex]!;
    const mine = byUser[user]!;
    if (mine.some((e) => e.course === courseIndex)) return false;
    const from = Math.max(users[user]!.createdAt, course.publishedAt ?? anchor);
    const to = course.status === 'ARCHIVED' ? Math.min(course.updatedAt, anchor) : anchor;
    if (to - from < HOUR) return false;
    const enrolledAt = forced ? anchor - forced.daysAgo * DAY : from + Math.floor(rng.next() * (to - from - HOUR));
    const age = anchor - enrolledAt;
    // The longer ago someone enrolled, the likelier they finished.
    const status: EnrollmentEntity['status'] =
      forced?.status ?? (rng.chance(0.06) ? 'CANCELLED' : rng.chance(Math.min(0.65, (age / (150 * DAY)) * 0.6)) ? 'COMPLETED' : 'ACTIVE');
    // Progress is stored as the learning subgraph computes it: the share of the course's lessons
    // completed, rounded down, so only a completed enrollment reaches 100.
    const lessons = course.lessonIds.length;
    let completedLessons: number;
    let completedAt: number | null = null;
    if (status === 'COMPLETED') {
      completedLessons = lessons;
      completedAt = Math.min(anchor - HOUR, enrolledAt + HOUR + Math.floor(rng.next() * Math.min(age, 60 * DAY)));
    } else {
      const share = status === 'ACTIVE' ? (forced ? 0.4 : Math.pow(rng.next(), 1.4)) : rng.int(0, 30) / 100;
      completedLessons = Math.min(lessons - 1, Math.floor(share * lessons));
    }
    const progress = lessons === 0 ? 0 : Math.floor((100 * completedLessons) / lessons);
    const id = rng.uuid();
    mine.push({ id, user, course: courseIndex, status, enrolledAt, completedAt, completedLessons });
    course.enrollmentCount++;
    if (status === 'COMPLETED') course.completedCount++;
    if (status !== 'CANCELLED') course.enrollees.push(user);
    rows.push([id, users[user]!.id, course.id, status, progress, iso(enrolledAt), completedAt === null ? null : iso(completedAt)]);
    return true;
  };

  const efaw = courses.findIndex((c) => c.slug === 'emergency-first-aid-at-work');
  const faw = courses.findIndex((c) => c.slug === 'first-aid-at-work');
  const paediatric = courses.findIndex((c) => c.slug === 'paediatric-first-aid');
  if (efaw >= 0) enroll(demoLearner, efaw, { status: 'COMPLETED', daysAgo: 200 });
  if (faw >= 0) enroll(demoLearner, faw, { status: 'ACTIVE', daysAgo: 20 });
  // Completed long enough ago that its three-year certificate has expired.
  if (paediatric >= 0) enroll(demoLearner, paediatric, { status: 'COMPLETED', daysAgo: 1250 });

  for (const user of [demoLearner, ...learners]) {
    const wanted = Math.min(Math.round(rng.exponential(perUser)), 15, Math.floor(popularity.length / 2));
    for (let k = 0, attempts = 0; k < wanted && attempts < wanted * 6; attempts++) {
      if (enroll(user, at(popularity, zipf.sample(rng)))) k++;
    }
  }
  return { popularity, byUser, table: { table: 'learning.enrollments', total: rows.length, rows } };
}

