// The ai-analytics subgraph's configuration, read and validated once at start-up. Nothing else
// in this subgraph reads process.env.
import { analyticsReadConfigShape, checkAnalyticsReadRole, loadConfig, subgraphConfigSchema, withoutEmptyValues, z } from '@academy/service-kit';
import { assistantSettingsShape, checkAssistantSettings } from './ai/assistant-config.js';

/** ai-analytics listens here unless PORT says otherwise. */
export const AI_ANALYTICS_DEFAULT_PORT = 4006;

/** The zones whose local days, weeks and months get actor counters of their own, unless ANALYTICS_TIME_ZONES says otherwise. */
export const DEFAULT_ANALYTICS_TIME_ZONES = ['Europe/London'];

/**
 * A zone the rollups can keep: a name the runtime's IANA database knows whose offset from UTC
 * is a whole number of hours all year (every local day is then a run of whole UTC hours).
 */
export function isWholeHourZone(zone: string): boolean {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
  } catch {
    return false;
  }
  const year = new Date().getUTCFullYear();
  for (let month = 0; month < 12; month++) {
    for (const day of [1, 15]) {
      const offset = format.formatToParts(new Date(Date.UTC(year, month, day))).find((p) => p.type === 'timeZoneName')?.value ?? '';
      if (!/^GMT(?:[+-]\d\d:00)?$/.test(offset)) return false;
    }
  }
  return true;
}

/**
 * Everything the ai-analytics process reads: the common subgraph settings (MIN_GROUP_SIZE among
 * them, as every subgraph's figures withhold small groups), the figures' read replica, the
 * assistant's and the kept zones.
 */
export const aiAnalyticsConfigSchema = subgraphConfigSchema(AI_ANALYTICS_DEFAULT_PORT)
  .extend({
    ...analyticsReadConfigShape(),
    ...assistantSettingsShape,
    /**
     * Comma-separated IANA zones (whole-hour offsets) whose local days, weeks and months get actor
     * counters, so figures cut in them read counters as UTC's do; "none" for none. Starting a
     * zone counts the events recorded so far while event writes wait.
     */
    ANALYTICS_TIME_ZONES: z
      .string()
      .default(DEFAULT_ANALYTICS_TIME_ZONES.join(','))
      .transform((value) => (value.trim() === 'none' ? [] : [...new Set(value.split(',').map((zone) => zone.trim()).filter((zone) => zone !== '' && zone !== 'UTC'))]))
      .refine((zones) => zones.every(isWholeHourZone), 'must list IANA time zones whose offset from UTC is whole hours, e.g. Europe/Berlin, or be "none"'),
  })
  .superRefine(checkAssistantSettings)
  .superRefine(checkAnalyticsReadRole);
export type AiAnalyticsConfig = z.output<typeof aiAnalyticsConfigSchema>;

/** Reads the ai-analytics process's configuration; a ConfigError lists every problem. */
export function loadAiAnalyticsConfig(env: Record<string, string | undefined> = process.env): Readonly<AiAnalyticsConfig> {
  return loadConfig(aiAnalyticsConfigSchema, withoutEmptyValues(env));
}
