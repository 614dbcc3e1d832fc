// How pnpm codegen types this subgraph (see scripts/codegen/generate.ts for each setting).
export default {
  context: 'SchedulingContext',
  mappers: {
    Venue: '../db/database.js#Venue',
    Trainer: '../db/database.js#Trainer',
    TrainingSession: '../db/database.js#TrainingSession',
    Course: '../db/database.js#CourseReference',
    User: '../db/database.js#UserReference',
    CoachingSession: '../db/database.js#CoachingSession',
    WorkingHours: '../db/database.js#WorkingHours',
  },
  columns: {
    'training_sessions.status': 'Generated<SessionStatus>',
    'coaching_sessions.status': 'Generated<CoachingStatus>',
  },
  columnImports: {
    SessionStatus: './graphql.js#SessionStatus',
    CoachingStatus: './graphql.js#CoachingStatus',
  },
};
