// How pnpm codegen types this subgraph (see scripts/codegen/generate.ts for each setting).
export default {
  context: 'LearningContext',
  mappers: {
    Topic: '../db/database.js#Topic',
    Course: '../db/database.js#Course',
    Module: '../db/database.js#Module',
    Lesson: '../db/database.js#LessonModel',
    Enrollment: '../db/database.js#Enrollment',
    LessonProgress: '../db/database.js#LessonProgress',
    LearningPath: '../db/database.js#LearningPathModel',
    User: '../db/database.js#UserReference',
    Certificate: '../db/database.js#Certificate',
  },
  columns: {
    'courses.level': 'CourseLevel',
    'courses.status': 'Generated<CourseStatus>',
    'courses.search': 'ColumnType<string, never, never>',
    'lessons.kind': 'LessonKind',
    'enrollments.status': 'Generated<EnrollmentStatus>',
    'enrollments.source': "Generated<'FREE' | 'ORDER'>",
    'learning_paths.level': 'CourseLevel',
    'learning_paths.status': 'Generated<CourseStatus>',
  },
  columnImports: {
    ColumnType: 'kysely#ColumnType',
    CourseLevel: './graphql.js#CourseLevel',
    CourseStatus: './graphql.js#CourseStatus',
    LessonKind: './graphql.js#LessonKind',
    EnrollmentStatus: './graphql.js#EnrollmentStatus',
  },
};
