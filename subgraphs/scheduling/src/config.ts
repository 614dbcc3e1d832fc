// The scheduling subgraph's configuration, read and validated once at start-up. Nothing else in
// this subgraph reads process.env.
import { analyticsReadConfigShape, checkAnalyticsReadRole, loadConfig, subgraphConfigSchema, withoutEmptyValues, z } from '@academy/service-kit';

/** scheduling listens here unless PORT says otherwise. */
export const SCHEDULING_DEFAULT_PORT = 4003;

/** Where coaching rooms are made when COACHING_MEETING_BASE_URL is not set. */
export const DEFAULT_MEETING_BASE_URL = 'https://meet.academy.example/coaching/';

/** Everything the scheduling process reads: the common subgraph settings, the figures' read replica and its own. */
export const schedulingConfigSchema = subgraphConfigSchema(SCHEDULING_DEFAULT_PORT).extend({
  ...analyticsReadConfigShape(),
  /** Base of coaching meeting rooms: each session's room is this URL followed by an unguessable id. */
  COACHING_MEETING_BASE_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default(DEFAULT_MEETING_BASE_URL),
  /** How long a seat of a priced session is held for payment, in minutes. */
  SEAT_HOLD_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  /** How often lapsed seat holds are released, in seconds (they are also released at start). */
  HOLD_RELEASE_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
});
export type SchedulingConfig = z.output<typeof schedulingConfigSchema>;

/** Reads the scheduling process's configuration; a ConfigError lists every problem. */
export function loadSchedulingConfig(env: Record<string, string | undefined> = process.env): Readonly<SchedulingConfig> {
  return loadConfig(schedulingConfigSchema.superRefine(checkAnalyticsReadRole), withoutEmptyValues(env));
}
