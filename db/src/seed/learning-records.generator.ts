import type { Row } from './bulk-insert.js';
import { DAY, HOUR, iso, type CourseEntity, type EnrollmentEntity, type TableRows, type UserEntity } from './model.js';
import type { Prng } from './prng.js';

/** Where the demo materials live: a reserved domain, so no link leads anywhere real. */
const FILES = 'https://files.academy.example/courses';

type MaterialKind = 'PDF' | 'SLIDES' | 'WORKSHEET' | 'VIDEO' | 'LINK' | 'OTHER';
type MaterialPlan = readonly [title: string, kind: MaterialKind, file: string, mediaType: string | null, isPublic: boolean];

/** The first-aid company's handouts, as its courses hand them out. */
const REFERENCE_MATERIALS: readonly MaterialPlan[] = [
  ['Course outline and timetable', 'PDF', 'outline.pdf', 'application/pdf', true],
  ['Learner handbook', 'PDF', 'handbook.pdf', 'application/pdf', false],
  ['Trainer slides', 'SLIDES', 'slides.pdf', 'application/pdf', false],
  ['Recovery position worksheet', 'WORKSHEET', 'recovery-position.pdf', 'application/pdf', false],
  ['CPR demonstration', 'VIDEO', 'cpr.mp4', 'video/mp4', false],
];

/** What a synthetic course may come with: its outline first (public), then enrolled-only ones. */
const SYNTHETIC_MATERIALS: readonly MaterialPlan[] = [
  ['Slides', 'SLIDES', 'slides.pdf', 'application/pdf', false],
  ['Exercises', 'WORKSHEET', 'exercises.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', false],
  ['Recorded walkthrough', 'VIDEO', 'walkthrough.mp4', 'video/mp4', false],
  ['Further reading', 'LINK', 'reading', null, false],
  ['Cheat sheet', 'PDF', 'cheat-sheet.pdf', 'application/pdf', false],
];

/**
 * Materials of every course: a public outline and 1 to 4 enrolled-only ones (all five for the
 * reference courses), positions 1..n; a few were replaced since and carry a later version.
 */
export function generateMaterials(rng: Prng, courses: readonly CourseEntity[]): TableRows {
  const rows: Row[] = [];
  for (const course of courses) {
    const plans: MaterialPlan[] = course.reference
      ? [...REFERENCE_MATERIALS]
      : [['Course outline', 'PDF', 'outline.pdf', 'application/pdf', true], ...rng.sample(SYNTHETIC_MATERIALS, rng.int(1, 4))];
    plans.forEach(([title, kind, file, mediaType, isPublic], i) => {
      const version = rng.chance(0.15) ? rng.int(2, 4) : 1;
      const size = kind === 'LINK' ? null : kind === 'VIDEO' ? rng.int(20_000_000, 400_000_000) : rng.int(80_000, 6_000_000);
      const url = kind === 'LINK' ? `https://reading.academy.example/${course.slug}` : `${FILES}/${course.slug}/v${version}/${file}`;
      const createdAt = course.createdAt + rng.int(1, 48) * HOUR;
      const updatedAt = version > 1 ? createdAt + Math.floor(rng.next() * Math.max(0, course.updatedAt - createdAt)) : createdAt;
      rows.push([rng.uuid(), course.id, title, null, kind, url, size, mediaType, i + 1, version, isPublic ? 'PUBLIC' : 'ENROLLED', iso(createdAt), iso(updatedAt)]);
    });
  }
  return { table: 'learning.course_materials', total: rows.length, rows };
}

/**
 * Lesson progress of every enrollment, filled from the enrollments once loaded: the course's
 * first lessons completed (as many as its progress_percent says, which the learning subgraph
 * computes as the completed share rounded down), spread between enrolling and completing (or
 * now), and for a learner still at it, the next lesson begun. At the benchmark scale these are
 * millions of rows, which one statement in the database writes far faster than the client could.
 */
export function lessonProgressFill(anchor: number, courses: readonly CourseEntity[], byUser: readonly EnrollmentEntity[][]): TableRows {
  let total = 0;
  for (const mine of byUser) {
    for (const e of mine) total += e.completedLessons + (e.status === 'ACTIVE' && e.completedLessons < courses[e.course]!.lessonIds.length ? 1 : 0);
  }
  const now = iso(anchor - HOUR);
  // Lessons are numbered per course once and hash-joined to the enrollments: the tables were
  // loaded in this transaction and have no statistics, so a per-enrollment lookup would scan.
  const at = (rn: string) => `d.at_0 + (d.at_end - d.at_0) * ${rn} / greatest(d.done, 1)`;
  const fill = `
    WITH ordered AS (
      SELECT m.course_id, l.id, row_number() OVER w AS rn, count(*) OVER (PARTITION BY m.course_id) AS n
      FROM learning.lessons l JOIN learning.modules m ON m.id = l.module_id
      WINDOW w AS (PARTITION BY m.course_id ORDER BY m.position, l.position)
    ), counted AS (
      SELECT DISTINCT course_id, n FROM ordered
    ), d AS (
      SELECT e.user_id, e.course_id, e.status, e.enrolled_at AS at_0, coalesce(e.completed_at, '${now}'::timestamptz) AS at_end,
             -- The most lessons whose completed share, rounded down, is still the stored percentage.
             CASE WHEN e.status = 'COMPLETED' THEN c.n ELSE ceil((e.progress_percent + 1) * c.n / 100.0)::int - 1 END AS done
      FROM learning.enrollments e JOIN counted c ON c.course_id = e.course_id
    )
    INSERT INTO learning.lesson_progress (user_id, lesson_id, progress_percent, completed_at, recorded_at, updated_at)
    SELECT d.user_id, o.id,
           CASE WHEN o.rn <= d.done THEN 100 ELSE 10 + (o.rn * 37) % 80 END,
           CASE WHEN o.rn <= d.done THEN ${at('o.rn')} END,
           CASE WHEN o.rn <= d.done THEN ${at('o.rn')} ELSE d.at_end END,
           CASE WHEN o.rn <= d.done THEN ${at('o.rn')} ELSE d.at_end END
    FROM d JOIN ordered o ON o.course_id = d.course_id
    WHERE o.rn <= d.done OR (d.status = 'ACTIVE' AND o.rn = d.done + 1)`;
  return { table: 'learning.lesson_progress', total, rows: [], fill };
}

/** ACD-2026-000123, as the learning subgraph numbers certificates. */
const certificateNumber = (issuedAt: number, n: number) => `ACD-${new Date(issuedAt).getUTCFullYear()}-${String(n).padStart(6, '0')}`;

function addMonths(ms: number, months: number): number {
  const date = new Date(ms);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.getTime();
}

/**
 * One certificate per completed enrollment, numbered in issue order, expiring after the course's
 * validity (some have by now); one, not the demo learner's, was revoked. The seed moves the
 * number sequence past them once they are loaded.
 */
export function generateCertificates(
  rng: Prng,
  anchor: number,
  users: readonly UserEntity[],
  courses: readonly CourseEntity[],
  byUser: readonly EnrollmentEntity[][],
  demoLearner: number,
): TableRows {
  const completed = byUser.flat().filter((e) => e.status === 'COMPLETED' && e.completedAt !== null);
  completed.sort((a, b) => a.completedAt! - b.completedAt! || (a.id < b.id ? -1 : 1));
  const revoked = completed.find((e) => e.user !== demoLearner);
  const rows: Row[] = completed.map((e, i) => {
    const course = courses[e.course]!;
    const issuedAt = e.completedAt!;
    const code = Buffer.from(rng.hex(40), 'hex').toString('base64url');
    const expiresAt = course.certificateMonths === null ? null : addMonths(issuedAt, course.certificateMonths);
    const revokedAt = e === revoked ? Math.min(anchor - HOUR, issuedAt + 14 * DAY) : null;
    return [
      rng.uuid(), e.id, users[e.user]!.id, course.id, certificateNumber(issuedAt, i + 1), code, iso(issuedAt),
      expiresAt === null ? null : iso(expiresAt), revokedAt === null ? null : iso(revokedAt),
      revokedAt === null ? null : 'Issued in error: the practical assessment was not passed.',
    ];
  });
  return { table: 'learning.certificates', total: rows.length, rows };
}
