// How pnpm codegen types this subgraph (see scripts/codegen/generate.ts for each setting).
export default {
  context: 'IdentityContext',
  mappers: {
    User: '../db/database.js#User',
  },
  columns: {
    'user_roles.role': 'Role',
    'invite_codes.role': 'Role',
    'email_outbox.status': 'Generated<EmailStatus>',
    'audit_log.details': 'ColumnType<Record<string, unknown>, string | undefined, never>',
    'signing_keys.public_jwk': 'ColumnType<Record<string, unknown>, string, never>',
  },
  columnImports: {
    ColumnType: 'kysely#ColumnType',
    Role: './graphql.js#Role',
    EmailStatus: '../db/database.js#EmailStatus',
  },
};
