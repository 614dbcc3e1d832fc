// The migrations of the identity schema, in order. Add new ones at the end; never edit old ones.
import type { Migration } from 'kysely';
import * as m0 from './2026-11-22T0900-users.js';
import * as m1 from './2026-11-22T1000-authentication.js';
import * as m2 from './2026-12-04T2100-partner-clients.js';
import * as m3 from './2026-12-05T1300-email-sources.js';
import * as m4 from './2026-12-06T0300-outbox-traceparent.js';

export const migrations: Record<string, Migration> = {
  '2026-11-22T0900-users': m0,
  '2026-11-22T1000-authentication': m1,
  '2026-12-04T2100-partner-clients': m2,
  '2026-12-05T1300-email-sources': m3,
  '2026-12-06T0300-outbox-traceparent': m4,
};
