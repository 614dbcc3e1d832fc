// The community subgraph's configuration, read and validated once at start-up. Nothing else in
// this subgraph reads process.env.
import { loadConfig, subgraphConfigSchema, withoutEmptyValues, z } from '@academy/service-kit';

/** community listens here unless PORT says otherwise. */
export const COMMUNITY_DEFAULT_PORT = 4005;

/** Everything the community process reads: the common subgraph settings and its own. */
export const communityConfigSchema = subgraphConfigSchema(COMMUNITY_DEFAULT_PORT).extend({
  /**
   * Redis for fanning live events out between community processes (redis:// or rediss://);
   * unset: PostgreSQL LISTEN/NOTIFY on the subgraph's own database.
   */
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
});
export type CommunityConfig = z.output<typeof communityConfigSchema>;

/** Reads the community process's configuration; a ConfigError lists every problem. */
export function loadCommunityConfig(env: Record<string, string | undefined> = process.env): Readonly<CommunityConfig> {
  return loadConfig(communityConfigSchema, withoutEmptyValues(env));
}
