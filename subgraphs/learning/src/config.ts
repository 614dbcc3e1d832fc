// The learning subgraph's configuration, read and validated once at start-up. Nothing else in
// this subgraph reads process.env.
import { analyticsReadConfigShape, checkAnalyticsReadRole, loadConfig, subgraphConfigSchema, withoutEmptyValues, z } from '@academy/service-kit';

/** learning listens here unless PORT says otherwise. */
export const LEARNING_DEFAULT_PORT = 4002;

/** Everything the learning process reads: the common subgraph settings and the figures' read replica. */
export const learningConfigSchema = subgraphConfigSchema(LEARNING_DEFAULT_PORT).extend(analyticsReadConfigShape()).superRefine(checkAnalyticsReadRole);
export type LearningConfig = z.output<typeof learningConfigSchema>;

/** Reads the learning process's configuration; a ConfigError lists every problem. */
export function loadLearningConfig(env: Record<string, string | undefined> = process.env): Readonly<LearningConfig> {
  return loadConfig(learningConfigSchema, withoutEmptyValues(env));
}
