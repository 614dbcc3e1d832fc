import type { Row } from './bulk-insert.js';
import { iso, type CourseEntity, type TableRows } from './model.js';
import type { Prng } from './prng.js';
import { TOPICS, type CourseLevel } from './reference-data.js';

const LEVEL_ORDER: Record<CourseLevel, number> = { BEGINNER: 0, INTERMEDIATE: 1, ADVANCED: 2 };

/** How many topic paths the demo data has, and how many courses each takes at most. */
const TOPIC_PATHS = 3;
const COURSES_PER_PATH = 4;

/**
 * Published learning paths: first aid at work (EFAW then FAW, so the demo learner is half way),
 * then one per topic of its published courses, easiest first. Rows for both path tables.
 */
export function generateLearningPaths(rng: Prng, anchor: number, courses: readonly CourseEntity[]): TableRows[] {
  const published = courses.filter((c) => c.status === 'PUBLISHED');
  const bySlug = (slug: string) => published.find((c) => c.slug === slug);
  const plans: { slug: string; name: string; description: string; level: CourseLevel | null; courses: CourseEntity[] }[] = [];

  const firstAid = ['emergency-first-aid-at-work', 'first-aid-at-work'].map(bySlug).filter((c) => c !== undefined);
  if (firstAid.length > 1) {
    plans.push({ slug: 'first-aider-at-work', name: 'First aider at work', description: 'From the one-day emergency course to the full certificate.', level: null, courses: firstAid });
  }
  for (const topic of TOPICS.slice(0, TOPIC_PATHS)) {
    const ofTopic = published
      .filter((c) => c.topic.key === topic.key && !c.reference)
      .sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || a.title.localeCompare(b.title, 'en'))
      .slice(0, COURSES_PER_PATH);
    if (ofTopic.length < 2) continue;
    const levels = new Set(ofTopic.map((c) => c.level));
    plans.push({
      slug: `${topic.key}-path`.replace(/[^a-z0-9]+/g, '-'),
      name: `${topic.name}, step by step`,
      description: `${ofTopic.length} courses on ${topic.name.toLowerCase()}, easiest first.`,
      level: levels.size === 1 ? ofTopic[0]!.level : null,
      courses: ofTopic,
    });
  }

  const paths: Row[] = [];
  const members: Row[] = [];
  for (const plan of plans) {
    const id = rng.uuid();
    paths.push([id, plan.slug, plan.name, plan.description, plan.level, 'PUBLISHED', iso(anchor)]);
    plan.courses.forEach((course, i) => members.push([id, course.id, i + 1]));
  }
  return [
    { table: 'learning.learning_paths', total: paths.length, rows: paths },
    { table: 'learning.learning_path_courses', total: members.length, rows: members },
  ];
}
