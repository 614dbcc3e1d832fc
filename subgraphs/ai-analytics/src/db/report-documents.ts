// The JSON documents a saved analytics report keeps (ai_analytics.analytics_reports.parameters
// and .result): times as ISO 8601 strings, everything else as the GraphQL types have it.
import type { Granularity } from '../generated/graphql.js';

/** A span [from, to), as stored. */
export interface StoredRange {
  from: string;
  to: string;
}

/** What a report computes over: exactly one of range and window. */
export interface StoredReportParameters {
  range: StoredRange | null;
  window: { last: number; unit: Granularity } | null;
  /** null for a funnel. */
  granularity: Granularity | null;
  timeZone: string;
  /** EVENT_COUNTS only. */
  eventName: string | null;
  /** FUNNEL only. */
  steps: string[] | null;
}

/** One bucket of a stored series. */
export interface StoredPoint {
  bucket: string;
  value: number;
  withheld: boolean | null;
}

/** One step of a stored funnel. */
export interface StoredFunnelStep {
  name: string;
  users: number;
  conversionFromPrevious: number | null;
  withheld: boolean;
}

/** The answer of a report's last run: the span it was computed over, and the series or the steps. */
export interface StoredReportResult {
  range: StoredRange;
  series: { metric: string; total: number; points: StoredPoint[] } | null;
  funnelSteps: StoredFunnelStep[] | null;
}
