// A report's snapshot as CSV (RFC 4180): comma-separated fields, CRLF after every line, a field
// holding a comma, a quote or a line break quoted, with its quotes doubled.
import type { StoredReportResult } from '../db/report-documents.js';

/** The header of a series' CSV: one line per bucket follows. */
export const SERIES_CSV_HEADER = ['bucket', 'value', 'withheld'] as const;
/** The header of a funnel's CSV: one line per step follows. */
export const FUNNEL_CSV_HEADER = ['step', 'name', 'users', 'conversion_from_previous', 'withheld'] as const;

type Field = string | number | boolean | null;

/** One field as RFC 4180 writes it; null is the empty field. */
export function csvField(value: Field): string {
  const s = value === null ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function csvLines(rows: readonly (readonly Field[])[]): string {
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

/** The snapshot as CSV: a header, then a line per bucket (series) or per step (funnel, numbered from 1). */
export function reportCsv(result: StoredReportResult): string {
  if (result.funnelSteps) {
    return csvLines([
      FUNNEL_CSV_HEADER,
      ...result.funnelSteps.map((s, i) => [i + 1, s.name, s.users, s.conversionFromPrevious, s.withheld]),
    ]);
  }
  return csvLines([SERIES_CSV_HEADER, ...(result.series?.points ?? []).map((p) => [p.bucket, p.value, p.withheld])]);
}
