// The assistant's copy of the catalogue: one document per course, from learning's course events.
import type { Transaction } from 'kysely';
import type { AiAnalyticsDatabase } from '../db/database.js';
import { findCourseDocumentContent, upsertCourseDocument } from '../repositories/course-document.repository.js';

/** A course as learning announced it (CoursePublished or CourseUpdated). */
export interface AnnouncedCourse {
  courseId: string;
  slug: string;
  title: string;
  language: string;
  status: 'DRAFT' | 'PUBLISHED' | 'ARCHIVED';
  /** The event's time: an older announcement never overwrites a newer one. */
  at: Date;
  /** Absent in events published before learning sent them: the document keeps what it had. */
  summary?: string | null;
  description?: string | null;
  outline?: readonly { title: string; lessons: readonly string[] }[];
}

/** The searchable text of a course: its summary, description, then modules with their lessons. */
export function documentText(course: Pick<AnnouncedCourse, 'summary' | 'description' | 'outline'>): string {
  const parts = [course.summary, course.description].filter((p): p is string => !!p && p.trim().length > 0).map((p) => p.trim());
  for (const module of course.outline ?? []) {
    parts.push(`${module.title}: ${module.lessons.join('; ')}.`);
  }
  return parts.join('\n');
}

/** Stores the course's document (idempotent: the newest announcement wins, a replay changes nothing). */
export async function recordCourse(trx: Transaction<AiAnalyticsDatabase>, course: AnnouncedCourse): Promise<void> {
  const hasText = course.summary !== undefined || course.description !== undefined || course.outline !== undefined;
  const content = hasText ? documentText(course) : ((await findCourseDocumentContent(trx, course.courseId)) ?? '');
  await upsertCourseDocument(trx, {
    course_id: course.courseId,
    slug: course.slug,
    title: course.title,
    language: course.language,
    status: course.status,
    content,
    source_at: course.at,
  });
}
