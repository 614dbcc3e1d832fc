// The migrations of the learning schema, in order. Add new ones at the end; never edit old ones.
import type { Migration } from 'kysely';
import * as m0 from './2026-11-22T0900-catalogue.js';
import * as m1 from './2026-12-04T2130-dense-positions.js';
import * as m2 from './2026-12-04T2140-language-search.js';
import * as m3 from './2026-12-04T2145-certificates.js';
import * as m4 from './2026-12-04T2200-learning-paths.js';
import * as m5 from './2026-12-05T0100-enrollment-sources.js';
import * as m6 from './2026-12-05T0200-course-materials.js';
import * as m7 from './2026-12-06T0300-outbox-traceparent.js';

export const migrations: Record<string, Migration> = {
  '2026-11-22T0900-catalogue': m0,
  '2026-12-04T2130-dense-positions': m1,
  '2026-12-04T2140-language-search': m2,
  '2026-12-04T2145-certificates': m3,
  '2026-12-04T2200-learning-paths': m4,
  '2026-12-05T0100-enrollment-sources': m5,
  '2026-12-05T0200-course-materials': m6,
  '2026-12-06T0300-outbox-traceparent': m7,
};
