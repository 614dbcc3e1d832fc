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
    Topic: '../db/database.js#TopicReference',
    SessionTopic: '../db/database.js#SessionTopic',
    TrainerQualification: '../db/database.js#TrainerQualification',
    Event: '../db/database.js#Event',
  },
  columns: {
    'training_sessions.status': 'Generated<SessionStatus>',
    'events.status': 'Generated<EventStatus>',
    'coaching_sessions.status': 'Generated<CoachingStatus>',
  },
  columnImports: {
    SessionStatus: './graphql.js#SessionStatus',
    EventStatus: './graphql.js#EventStatus',
    CoachingStatus: './graphql.js#CoachingStatus',
  },
};
