// How pnpm codegen types this subgraph (see scripts/codegen/generate.ts for each setting).
export default {
  context: 'SchedulingContext',
  mappers: {
    Venue: '../db/database.js#Venue',
    Trainer: '../db/database.js#Trainer',
    TrainingSession: '../db/database.js#TrainingSession',
    Course: '../db/database.js#CourseReference',
    User: '../db/database.js#UserReference',
  },
  columns: {
    'training_sessions.status': 'Generated<SessionStatus>',
  },
  columnImports: {
    SessionStatus: './graphql.js#SessionStatus',
  },
};
