// The scheduling subgraph's configuration, read and validated once at start-up. Nothing else in
// this subgraph reads process.env.
import { loadConfig, subgraphConfigSchema, withoutEmptyValues, z } from '@academy/service-kit';

/** scheduling listens here unless PORT says otherwise. */
export const SCHEDULING_DEFAULT_PORT = 4003;

/** Where coaching rooms are made when COACHING_MEETING_BASE_URL is not set. */
export const DEFAULT_MEETING_BASE_URL = 'https://meet.academy.example/coaching/';

/** Everything the scheduling process reads: the common subgraph settings and its own. */
export const schedulingConfigSchema = subgraphConfigSchema(SCHEDULING_DEFAULT_PORT).extend({
  /** Base of coaching meeting rooms: each session's room is this URL followed by an unguessable id. */
  COACHING_MEETING_BASE_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default(DEFAULT_MEETING_BASE_URL),
});
export type SchedulingConfig = z.output<typeof schedulingConfigSchema>;

/** Reads the scheduling process's configuration; a ConfigError lists every problem. */
export function loadSchedulingConfig(env: Record<string, string | undefined> = process.env): Readonly<SchedulingConfig> {
  return loadConfig(schedulingConfigSchema, withoutEmptyValues(env));
}
