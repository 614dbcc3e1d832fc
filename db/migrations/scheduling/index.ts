// The migrations of the scheduling schema, in order. Add new ones at the end; never edit old ones.
import type { Migration } from 'kysely';
import * as m0 from './2026-11-22T0900-sessions.js';
import * as m1 from './2026-12-05T0100-scheduling-core.js';
import * as m2 from './2026-12-05T0200-registrations.js';
import * as m3 from './2026-12-05T0300-coaching.js';
import * as m4 from './2026-12-05T1100-trainer-time-off.js';
import * as m5 from './2026-12-05T1510-analytics-reads-outbox.js';
import * as m6 from './2026-12-06T0300-outbox-traceparent.js';

export const migrations: Record<string, Migration> = {
  '2026-11-22T0900-sessions': m0,
  '2026-12-05T0100-scheduling-core': m1,
  '2026-12-05T0200-registrations': m2,
  '2026-12-05T0300-coaching': m3,
  '2026-12-05T1100-trainer-time-off': m4,
  '2026-12-05T1510-analytics-reads-outbox': m5,
  '2026-12-06T0300-outbox-traceparent': m6,
};
