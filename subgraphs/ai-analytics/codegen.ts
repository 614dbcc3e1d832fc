// How pnpm codegen types this subgraph (see scripts/codegen/generate.ts for each setting).
export default {
  context: 'AiAnalyticsContext',
  mappers: {},
  columns: {
    // Written as JSON text, read back parsed; never changed once stored.
    'analytics_events.properties': 'ColumnType<Record<string, unknown>, string | undefined, never>',
  },
  columnImports: {
    ColumnType: 'kysely#ColumnType',
  },
};
