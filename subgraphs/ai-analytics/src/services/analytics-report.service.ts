// Saved analytics reports: a figure defined once, run now and again, each run's answer kept as a
// snapshot. Every run goes through the live figures' own functions, so a snapshot holds exactly
// what the live query answered at computedAt, withheld buckets and steps included.
import {
  badUserInput,
  DomainError,
  ErrorCode,
  forbidden,
  forwardPage,
  hasRole,
  intInRange,
  isTimestampCursor,
  notFound,
  parseId,
  requireRole,
  text,
  toConnection,
  type Connection,
} from '@academy/service-kit';
import type { AiAnalyticsContext } from '../context.js';
import type { AnalyticsReportRow } from '../db/database.js';
import type { StoredRange, StoredReportParameters, StoredReportResult } from '../db/report-documents.js';
import type {
  AnalyticsReportParameters,
  AnalyticsReportResult,
  AnalyticsReportType,
  CreateAnalyticsReportInput,
  Granularity,
  QueryAnalyticsReportsArgs,
} from '../generated/graphql.js';
import {
  deleteAnalyticsReport as deleteReportRow,
  findReportPage,
  findVisibleReport,
  insertAnalyticsReport,
  resolveWindow,
  updateReportResult,
  type ReportAudience,
} from '../repositories/analytics-report.repository.js';
import { activeUsers, eventCounts, funnel } from './analytics-figures.service.js';

const MAX_NAME_LENGTH = 200;
/** The most units a window spans: the longest range a series of that granularity takes. */
const MAX_WINDOW: Record<Granularity, number> = { DAY: 400, WEEK: 200, MONTH: 120 };
/** Zone names as the IANA database spells them (Area/Location), or UTC. */
const ZONE_NAME = /^(UTC|[A-Za-z]+(\/[A-Za-z0-9_+-]+)+)$/;

/** The roles that work with reports. */
function requireAnalyst(ctx: AiAnalyticsContext) {
  return requireRole(ctx, 'ANALYST', 'ADMIN');
}

function audienceOf(ctx: AiAnalyticsContext, userId: string): ReportAudience {
  return hasRole(ctx, 'ADMIN') ? { all: true } : { all: false, userId };
}

function checkZoneName(timeZone: string): string {
  let known = ZONE_NAME.test(timeZone);
  try {
    if (known) new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    known = false;
  }
  if (!known) throw badUserInput('"input.timeZone" must be an IANA time zone such as Europe/Berlin.', 'input.timeZone');
  return timeZone;
}

/** Checks what each report type needs and refuses what it does not take; the figure checks the rest when it runs. */
function checkParameters(input: CreateAnalyticsReportInput): StoredReportParameters {
  const type = input.reportType;
  const series = type !== 'FUNNEL';
  if ((input.range == null) === (input.window == null)) {
    throw badUserInput('Give exactly one of "input.range" (fixed) and "input.window" (relative).', input.range ? 'input.window' : 'input.range');
  }
  const window = input.window
    ? { last: intInRange(input.window.last, 'input.window.last', 1, MAX_WINDOW[input.window.unit]), unit: input.window.unit }
    : null;
  if (series && input.granularity == null) throw badUserInput(`A ${type} report needs "input.granularity".`, 'input.granularity');
  if (!series && input.granularity != null) throw badUserInput('A FUNNEL report has no buckets: leave out "input.granularity".', 'input.granularity');
  if (!series && input.timeZone != null && input.timeZone !== 'UTC') {
    throw badUserInput('A FUNNEL report is cut in UTC: leave out "input.timeZone".', 'input.timeZone');
  }
  if (type === 'EVENT_COUNTS' && input.eventName == null) throw badUserInput('An EVENT_COUNTS report needs "input.eventName".', 'input.eventName');
  if (type !== 'EVENT_COUNTS' && input.eventName != null) throw badUserInput(`A ${type} report takes no "input.eventName".`, 'input.eventName');
  if (type === 'FUNNEL' && input.steps == null) throw badUserInput('A FUNNEL report needs "input.steps".', 'input.steps');
  if (type !== 'FUNNEL' && input.steps != null) throw badUserInput(`A ${type} report takes no "input.steps".`, 'input.steps');
  return {
    range: input.range ? { from: input.range.from.toISOString(), to: input.range.to.toISOString() } : null,
    window,
    granularity: input.granularity ?? null,
    timeZone: input.timeZone == null ? 'UTC' : checkZoneName(input.timeZone),
    eventName: input.eventName ?? null,
    steps: input.steps ? [...input.steps] : null,
  };
}

/** The figures name their own arguments (range, name, steps[2]); a report's are fields of its input. */
function reportField(field: string, parameters: StoredReportParameters): string {
  if (field.startsWith('range')) return parameters.window ? 'input.window' : `input.${field}`;
  if (field === 'name') return 'input.eventName';
  return `input.${field}`;
}

/** Runs the report's figure over its range (a window resolved at `now`) as the live query would. */
async function runReport(ctx: AiAnalyticsContext, type: AnalyticsReportType, parameters: StoredReportParameters, now: Date): Promise<StoredReportResult> {
  const stored = parameters.range ?? (await resolveWindow(ctx.figuresDb, { ...parameters.window!, timeZone: parameters.timeZone, now }));
  const range = { from: new Date(stored.from), to: new Date(stored.to) };
  try {
    if (type === 'FUNNEL') {
      const steps = await funnel(ctx, { steps: parameters.steps ?? [], range });
      return { range: stored, series: null, funnelSteps: steps.map((s) => ({ ...s, conversionFromPrevious: s.conversionFromPrevious ?? null })) };
    }
    const args = { range, granularity: parameters.granularity!, timeZone: parameters.timeZone };
    const series = type === 'ACTIVE_USERS' ? await activeUsers(ctx, args) : await eventCounts(ctx, { ...args, name: parameters.eventName! });
    return {
      range: stored,
      series: {
        metric: series.metric,
        total: series.total,
        points: series.points.map((p) => ({ bucket: new Date(p.bucket).toISOString(), value: p.value, withheld: p.withheld ?? null })),
      },
      funnelSteps: null,
    };
  } catch (error) {
    const field = error instanceof DomainError ? error.extensions.field : undefined;
    if (error instanceof DomainError && error.extensions.code === ErrorCode.BAD_USER_INPUT && typeof field === 'string') {
      throw badUserInput(error.message, reportField(field, parameters));
    }
    throw error;
  }
}

/** Saves a report after running it once: input that the figure refuses is BAD_USER_INPUT, and nothing is stored. */
export async function createAnalyticsReport(ctx: AiAnalyticsContext, input: CreateAnalyticsReportInput): Promise<AnalyticsReportRow> {
  const viewer = requireAnalyst(ctx);
  const name = text(input.name, 'input.name', { max: MAX_NAME_LENGTH });
  const parameters = checkParameters(input);
  const computedAt = new Date();
  const result = await runReport(ctx, input.reportType, parameters, computedAt);
  return insertAnalyticsReport(ctx.db, {
    name,
    report_type: input.reportType,
    parameters: JSON.stringify(parameters),
    shared: input.shared ?? false,
    result: JSON.stringify(result),
    computed_at: computedAt,
    created_by: viewer.userId,
  });
}

/** Runs a report again and keeps the new snapshot: any analyst who sees it; NOT_FOUND otherwise. */
export async function refreshAnalyticsReport(ctx: AiAnalyticsContext, id: string): Promise<AnalyticsReportRow> {
  const viewer = requireAnalyst(ctx);
  const report = await findVisibleReport(ctx.db, parseId(id), audienceOf(ctx, viewer.userId));
  if (!report) throw notFound('No such analytics report.');
  const computedAt = new Date();
  const result = await runReport(ctx, report.report_type, report.parameters, computedAt);
  const updated = await updateReportResult(ctx.db, report.id, { result, computedAt });
  if (!updated) throw notFound('No such analytics report.');
  return updated;
}

/** Deletes a report: its creator and ADMIN; FORBIDDEN for another analyst's shared one, NOT_FOUND for one the viewer cannot see. */
export async function deleteAnalyticsReport(ctx: AiAnalyticsContext, id: string): Promise<boolean> {
  const viewer = requireAnalyst(ctx);
  const report = await findVisibleReport(ctx.db, parseId(id), audienceOf(ctx, viewer.userId));
  if (!report) throw notFound('No such analytics report.');
  if (report.created_by !== viewer.userId && !hasRole(ctx, 'ADMIN')) throw forbidden("Only its creator and ADMIN delete a shared report.");
  if (!(await deleteReportRow(ctx.db, report.id))) throw notFound('No such analytics report.');
  return true;
}

/** One report the viewer sees; null for an unknown id or another analyst's private report. */
export async function analyticsReport(ctx: AiAnalyticsContext, id: string): Promise<AnalyticsReportRow | null> {
  const viewer = requireAnalyst(ctx);
  return findVisibleReport(ctx.db, parseId(id), audienceOf(ctx, viewer.userId));
}

/** The reports the viewer sees, newest first, with their exact total. */
export async function analyticsReports(ctx: AiAnalyticsContext, args: QueryAnalyticsReportsArgs): Promise<Connection<AnalyticsReportRow>> {
  const viewer = requireAnalyst(ctx);
  const page = forwardPage(args, isTimestampCursor);
  const result = await findReportPage(ctx.db, { audience: audienceOf(ctx, viewer.userId), limit: page.limit, after: page.after });
  return toConnection({ ...result, limit: page.limit, cursorOf: (row) => [row.cursor_key, row.id], nodeOf: ({ cursor_key: _c, ...row }) => row });
}

const rangeOf = (range: StoredRange) => ({ from: new Date(range.from), to: new Date(range.to) });

/** A report's parameters as the API shows them. */
export function reportParameters(row: AnalyticsReportRow): AnalyticsReportParameters {
  const p = row.parameters;
  return {
    range: p.range ? rangeOf(p.range) : null,
    window: p.window,
    granularity: p.granularity,
    timeZone: p.timeZone,
    eventName: p.eventName,
    steps: p.steps,
  };
}

/** A report's snapshot as the API shows it. */
export function reportResult(row: AnalyticsReportRow): AnalyticsReportResult {
  const r = row.result;
  return {
    computedAt: row.computed_at,
    range: rangeOf(r.range),
    series: r.series ? { ...r.series, points: r.series.points.map((p) => ({ ...p, bucket: new Date(p.bucket) })) } : null,
    funnelSteps: r.funnelSteps,
  };
}
