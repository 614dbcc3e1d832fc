// How pnpm codegen types this subgraph (see scripts/codegen/generate.ts for each setting).
// prices.currency has a CHECK too, but a pattern (three capitals), not a set of values: it
// stays a string.
export default {
  context: 'CommerceContext',
  mappers: {
    Course: '../db/database.js#CourseReference',
    TrainingSession: '../db/database.js#TrainingSessionReference',
    Registration: '../db/database.js#RegistrationReference',
    Event: '../db/database.js#EventReference',
    User: '../db/database.js#UserReference',
    // Money is read from a row's amount and currency: it is formatted only when asked for.
    Money: '../db/database.js#Amount',
    Order: '../db/database.js#Order',
    OrderItem: '../db/database.js#OrderItem',
    DiscountCode: '../db/database.js#DiscountCode',
    TicketType: '../db/database.js#TicketType',
    PriceQuote: '../db/database.js#Quote',
    Payment: '../db/database.js#Payment',
    Invoice: '../db/database.js#Invoice',
    InvoiceLine: '../db/database.js#InvoiceLineRecord',
    Ticket: '../db/database.js#Ticket',
    Refund: '../db/database.js#Refund',
    CourseRevenue: '../db/database.js#CourseRevenue',
  },
  columns: {
    'orders.status': 'Generated<OrderStatus>',
    'order_items.kind': 'OrderItemKind',
    'discount_codes.kind': 'DiscountKind',
    'sessions.status': "'SCHEDULED' | 'CANCELLED'",
    'seat_holds.status': "'HELD' | 'CONFIRMED' | 'CANCELLED' | 'EXPIRED'",
    'payments.status': 'Generated<PaymentStatus>',
    // Written as JSON text (pg would send a JS array as a PostgreSQL array), read back parsed.
    'invoices.lines': 'ColumnType<InvoiceLineRecord[], string, string>',
    'tickets.status': 'Generated<TicketStatus>',
    'refunds.status': 'Generated<RefundStatus>',
  },
  columnImports: {
    OrderStatus: './graphql.js#OrderStatus',
    OrderItemKind: './graphql.js#OrderItemKind',
    DiscountKind: './graphql.js#DiscountKind',
    PaymentStatus: './graphql.js#PaymentStatus',
    InvoiceLineRecord: '../db/database.js#InvoiceLineRecord',
    TicketStatus: './graphql.js#TicketStatus',
    RefundStatus: './graphql.js#RefundStatus',
  },
};
