// How pnpm codegen types this subgraph (see scripts/codegen/generate.ts for each setting).
export default {
  context: 'AiAnalyticsContext',
  mappers: {
    AiConversation: '../db/database.js#AiConversation',
    AiMessage: '../db/database.js#AiMessage',
    AiUsageDay: '../db/database.js#AiUsageDayModel',
    AssistantReplyEvent: '../services/assistant.service.js#AssistantReplyEventModel',
    Course: '../db/database.js#EntityReference',
    User: '../db/database.js#EntityReference',
  },
  columns: {
    // Written as JSON text, read back parsed; never changed once stored.
    'analytics_events.properties': 'ColumnType<Record<string, unknown>, string | undefined, never>',
    // A calendar date: read as text (day::text), never as a JavaScript Date in local time.
    'ai_usage.day': 'string',
  },
  columnImports: {
    ColumnType: 'kysely#ColumnType',
  },
};
