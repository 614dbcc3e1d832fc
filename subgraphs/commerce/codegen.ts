// How pnpm codegen types this subgraph (see scripts/codegen/generate.ts for each setting).
// prices.currency has a CHECK too, but a pattern (three capitals), not a set of values: it
// stays a string.
export default {
  context: 'CommerceContext',
  mappers: {
    Course: '../db/database.js#CourseReference',
    // Money is read from a price row: its amount is formatted only when asked for.
    Money: '../db/database.js#Price',
  },
};
