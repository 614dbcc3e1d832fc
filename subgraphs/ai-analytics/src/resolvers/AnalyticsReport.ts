import type { AnalyticsReportResolvers } from '../generated/graphql.js';
import { reportCsv } from '../services/analytics-report-csv.js';
import { reportParameters, reportResult } from '../services/analytics-report.service.js';

export const AnalyticsReport: AnalyticsReportResolvers = {
  reportType: (r) => r.report_type,
  parameters: (r) => reportParameters(r),
  createdBy: (r) => ({ __typename: 'User' as const, id: r.created_by }),
  createdAt: (r) => r.created_at,
  updatedAt: (r) => r.updated_at,
  result: (r) => reportResult(r),
  csv: (r) => reportCsv(r.result),
};
