// How pnpm codegen types this subgraph (see scripts/codegen/generate.ts for each setting).
export default {
  context: 'SchedulingContext',
  mappers: {
    Venue: '../db/database.js#Venue',
    Trainer: '../db/database.js#Trainer',
    TrainingSession: '../db/database.js#TrainingSession',
    Course: '../db/database.js#CourseReference',
    User: '../db/database.js#UserReference',
    Registration: '../db/database.js#Registration',
    AttendanceRecord: '../db/database.js#AttendanceRecord',
    SpecialRequirement: '../db/database.js#SpecialRequirement',
  },
  columns: {
    'training_sessions.status': 'Generated<SessionStatus>',
    'registrations.status': 'RegistrationStatus',
    'attendance_records.status': 'AttendanceStatus',
    'registration_requirements.kind': 'SpecialRequirementKind',
    'registration_requirements.severity': 'RequirementSeverity',
  },
  columnImports: {
    SessionStatus: './graphql.js#SessionStatus',
    RegistrationStatus: './graphql.js#RegistrationStatus',
    AttendanceStatus: './graphql.js#AttendanceStatus',
    SpecialRequirementKind: './graphql.js#SpecialRequirementKind',
    RequirementSeverity: './graphql.js#RequirementSeverity',
  },
};
