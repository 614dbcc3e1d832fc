import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestSubgraph, type TestSubgraph } from '@academy/service-kit/testing';
import type { Viewer } from '@academy/service-kit';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { buildLearningSubgraph } from '../src/server.js';

let subgraph: TestSubgraph<ReturnType<typeof buildLearningSubgraph>>;
let admin: pg.Client;
const [first, second, third, draft] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
const [data, web, hidden] = [randomUUID(), randomUUID(), randomUUID()];

const PATHS = `{ learningPaths { id name description difficulty courses { id title } viewerProgress { completedCourses totalCourses percent } } }`;
type Path = {
  id: string;
  name: string;
  description: string | null;
  difficulty: string | null;
  courses: { id: string; title: string }[];
  viewerProgress: { completedCourses: number; totalCourses: number; percent: number } | null;
};

async function paths(viewer: Viewer | null) {
  const { body } = await subgraph.request<{ learningPaths: Path[] }>(PATHS, {}, { viewer });
  expect(body.errors).toBeUndefined();
  return body.data!.learningPaths;
}

beforeAll(async () => {
  subgraph = await startTestSubgraph(buildLearningSubgraph, 'academy_learning');
  admin = new pg.Client({ connectionString: subgraph.database.adminUrl });
  await admin.connect();
  await admin.query(
    `INSERT INTO learning.courses (id, slug, title, level, language, status, published_at) VALUES
       ($1, 'path-first', 'First', 'BEGINNER', 'en-GB', 'PUBLISHED', now()),
       ($2, 'path-second', 'Second', 'BEGINNER', 'en-GB', 'PUBLISHED', now()),
       ($3, 'path-third', 'Third', 'INTERMEDIATE', 'en-GB', 'PUBLISHED', now()),
       ($4, 'path-draft', 'Draft', 'BEGINNER', 'en-GB', 'DRAFT', NULL)`,
    [first, second, third, draft],
  );
  await admin.query(
    `INSERT INTO learning.learning_paths (id, slug, name, description, level, status) VALUES
       ($1, 'data', 'Data basics', 'From zero to queries.', 'BEGINNER', 'PUBLISHED'),
       ($2, 'web', 'Another path', NULL, NULL, 'PUBLISHED'),
       ($3, 'hidden', 'Hidden', NULL, NULL, 'DRAFT')`,
    [data, web, hidden],
  );
  // Positions deliberately not in insertion order; the draft course is left out of the answer.
  await admin.query(
    `INSERT INTO learning.learning_path_courses (path_id, course_id, position) VALUES
       ($1, $4, 1), ($1, $6, 2), ($1, $3, 3), ($1, $5, 4), ($2, $5, 1), ($7, $3, 1)`,
    [data, web, third, second, first, draft, hidden],
  );
});

afterAll(async () => {
  await admin?.end();
  await subgraph?.stop();
});

describe('learningPaths', () => {
  it('lists published paths by name with their published courses in path order; anonymous gets no progress', async () => {
    expect(await paths(null)).toEqual([
      { id: web, name: 'Another path', description: null, difficulty: null, courses: [{ id: first, title: 'First' }], viewerProgress: null },
      {
        id: data,
        name: 'Data basics',
        description: 'From zero to queries.',
        difficulty: 'BEGINNER',
        courses: [
          { id: second, title: 'Second' },
          { id: third, title: 'Third' },
          { id: first, title: 'First' },
        ],
        viewerProgress: null,
      },
    ]);
  });

  it("counts the viewer's completed courses along each path", async () => {
    const learner: Viewer = { userId: randomUUID(), roles: ['LEARNER'] };
    await admin.query(
      `INSERT INTO learning.enrollments (user_id, course_id, status, progress_percent) VALUES ($1, $2, 'COMPLETED', 100), ($1, $3, 'ACTIVE', 50)`,
      [learner.userId, third, first],
    );
    const answer = await paths(learner);
    expect(answer.map((p) => [p.id, p.viewerProgress])).toEqual([
      [web, { completedCourses: 0, totalCourses: 1, percent: 0 }],
      [data, { completedCourses: 1, totalCourses: 3, percent: 33 }],
    ]);
    // Someone else's completions are not the viewer's.
    const stranger = await paths({ userId: randomUUID(), roles: ['LEARNER'] });
    expect(stranger.map((p) => p.viewerProgress!.completedCourses)).toEqual([0, 0]);
  });

  it('keeps positions unique within a path', async () => {
    await expect(admin.query(`INSERT INTO learning.learning_path_courses (path_id, course_id, position) VALUES ($1, $2, 1)`, [web, second])).rejects.toThrow(
      /learning_path_courses_position_key/,
    );
  });
});
