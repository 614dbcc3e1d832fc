// The migrations of the community schema, in order. Add new ones at the end; never edit old ones.
import type { Migration } from 'kysely';
import * as m0 from './2026-11-22T0900-chat-rooms.js';
import * as m1 from './2026-11-22T1100-chat-messages-notifications.js';
import * as m2 from './2026-12-05T1200-posts.js';
import * as m3 from './2026-12-05T1300-notification-delivery.js';
import * as m4 from './2026-12-05T1400-chat-moderation.js';
import * as m5 from './2026-12-06T0300-outbox-traceparent.js';
import * as m6 from './2026-12-06T0400-analytics-reads-outbox.js';
import * as m7 from './2026-12-06T0500-send-message.js';

export const migrations: Record<string, Migration> = {
  '2026-11-22T0900-chat-rooms': m0,
  '2026-11-22T1100-chat-messages-notifications': m1,
  '2026-12-05T1200-posts': m2,
  '2026-12-05T1300-notification-delivery': m3,
  '2026-12-05T1400-chat-moderation': m4,
  '2026-12-06T0300-outbox-traceparent': m5,
  '2026-12-06T0400-analytics-reads-outbox': m6,
  '2026-12-06T0500-send-message': m7,
};
