// The community subgraph's configuration, read and validated once at start-up. Nothing else in
// this subgraph reads process.env.
import { analyticsReadConfigShape, checkAnalyticsReadRole, loadConfig, subgraphConfigSchema, withoutEmptyValues, z } from '@academy/service-kit';

/** community listens here unless PORT says otherwise. */
export const COMMUNITY_DEFAULT_PORT = 4005;

/** Everything the community process reads: the common subgraph settings, the figures' read replica and its own. */
export const communityConfigSchema = subgraphConfigSchema(COMMUNITY_DEFAULT_PORT).extend({
  ...analyticsReadConfigShape(),
  /**
   * Redis for fanning live events out between community processes (redis:// or rediss://);
   * unset: PostgreSQL LISTEN/NOTIFY on the subgraph's own database.
   */
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  /** The API's public base URL (the gateway), for the unsubscribe link of every notification e-mail. */
  PUBLIC_API_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('http://localhost:4000')
    .transform((value) => value.replace(/\/+$/, '')),
  /** The web app, for the link to act on a notification in its e-mail. */
  APP_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('http://localhost:3000')
    .transform((value) => value.replace(/\/+$/, '')),
  /** How often due reminders are delivered, in seconds (they are also delivered at start). */
  REMINDER_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** How long before an unpaid seat hold lapses its holder is warned, in minutes. */
  SEAT_HOLD_WARNING_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
});
export type CommunityConfig = z.output<typeof communityConfigSchema>;

/** Reads the community process's configuration; a ConfigError lists every problem. */
export function loadCommunityConfig(env: Record<string, string | undefined> = process.env): Readonly<CommunityConfig> {
  return loadConfig(communityConfigSchema.superRefine(checkAnalyticsReadRole), withoutEmptyValues(env));
}
