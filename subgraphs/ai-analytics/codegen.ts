// How pnpm codegen types this subgraph (see scripts/codegen/generate.ts for each setting).
export default {
  context: 'AiAnalyticsContext',
  mappers: {
    CoachingTip: '../db/database.js#TopicTip',
    Topic: '../db/database.js#TopicReference',
    User: '../db/database.js#UserWithLanguage',
    Course: '../db/database.js#CourseReference',
    Trainer: '../db/database.js#TrainerWithUser',
    SessionTopic: '../db/database.js#SessionTopicReference',
    TrainingSession: '../db/database.js#TrainingSessionWithTopics',
    Event: '../db/database.js#EventReference',
    EventTask: '../db/database.js#EventTask',
    AiConversation: '../db/database.js#AiConversation',
    AiMessage: '../db/database.js#AiMessage',
    AiUsageDay: '../db/database.js#AiUsageDayModel',
    AnalyticsReport: '../db/database.js#AnalyticsReportRow',
    AssistantReplyEvent: '../services/assistant.service.js#AssistantReplyEventModel',
  },
  columns: {
    // Written as JSON text, read back parsed; never changed once stored.
    'analytics_events.properties': 'ColumnType<Record<string, unknown>, string | undefined, never>',
    'coaching_tips.tone': 'CoachingTipTone',
    'coaching_tips.audience': 'CoachingTipAudience',
    'course_catalogue.status': "'DRAFT' | 'PUBLISHED' | 'ARCHIVED'",
    'event_tasks.status': 'Generated<EventTaskStatus>',
    // A calendar date: read as text (day::text), never as a JavaScript Date in local time.
    'ai_usage.day': 'string',
    // Written as JSON text, read back parsed (see src/db/report-documents.ts).
    'analytics_reports.report_type': 'AnalyticsReportType',
    'analytics_reports.parameters': 'ColumnType<StoredReportParameters, string, string>',
    'analytics_reports.result': 'ColumnType<StoredReportResult, string, string>',
  },
  columnImports: {
    ColumnType: 'kysely#ColumnType',
    CoachingTipTone: './graphql.js#CoachingTipTone',
    CoachingTipAudience: './graphql.js#CoachingTipAudience',
    EventTaskStatus: './graphql.js#EventTaskStatus',
    AnalyticsReportType: './graphql.js#AnalyticsReportType',
    StoredReportParameters: '../db/report-documents.js#StoredReportParameters',
    StoredReportResult: '../db/report-documents.js#StoredReportResult',
  },
};
