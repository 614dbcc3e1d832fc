// The migrations of the ai_analytics schema, in order. Add new ones at the end; never edit old ones.
import type { Migration } from 'kysely';
import * as m0 from './2026-11-22T0900-analytics-events.js';
import * as m1 from './2026-12-05T1500-analytics-rollups.js';
import * as m2 from './2026-12-05T1520-analytics-role-without-jit.js';
import * as m3 from './2026-12-05T1600-assistant.js';
import * as m4 from './2026-12-05T1700-tips-recommendations-event-tasks.js';
import * as m5 from './2026-12-06T0000-zone-rollups.js';
import * as m6 from './2026-12-06T0200-analytics-reports.js';
import * as m7 from './2026-12-06T0300-outbox-traceparent.js';

export const migrations: Record<string, Migration> = {
  '2026-11-22T0900-analytics-events': m0,
  '2026-12-05T1500-analytics-rollups': m1,
  '2026-12-05T1520-analytics-role-without-jit': m2,
  '2026-12-05T1600-assistant': m3,
  '2026-12-05T1700-tips-recommendations-event-tasks': m4,
  '2026-12-06T0000-zone-rollups': m5,
  '2026-12-06T0200-analytics-reports': m6,
  '2026-12-06T0300-outbox-traceparent': m7,
};
