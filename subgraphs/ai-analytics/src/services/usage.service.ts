// Who may see which assistant usage, and over which days.
import { badUserInput, forbidden, forwardPage, hasRole, isUuid, parseId, requireViewer, toConnection, type Connection } from '@academy/service-kit';
import type { AiAnalyticsContext } from '../context.js';
import type { AiUsageDayModel } from '../db/database.js';
import type { QueryAiUsageArgs } from '../generated/graphql.js';
import { findUsagePage, type UsageCursor } from '../repositories/usage.repository.js';
import { utcDay } from './assistant.service.js';

const DAY_MS = 24 * 3600 * 1000;
/** Longest span aiUsage covers, in days. */
const MAX_SPAN_DAYS = 400;

const isUsageCursor = (value: unknown): value is UsageCursor =>
  Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value[0]) && isUuid(value[1]);

/** Usage days, newest first: ADMIN any user's (or all), anyone else their own only (FORBIDDEN for another's). */
export async function usageDays(ctx: AiAnalyticsContext, args: QueryAiUsageArgs): Promise<Connection<AiUsageDayModel>> {
  const viewer = requireViewer(ctx);
  const admin = hasRole(ctx, 'ADMIN');
  const named = args.userId != null ? parseId(args.userId, 'userId') : null;
  if (named && named !== viewer.userId && !admin) throw forbidden("Only ADMIN sees another user's assistant usage.");
  const userId = named ?? (admin ? null : viewer.userId);
  const now = Date.now();
  const from = utcDay(args.from ?? new Date(now - 30 * DAY_MS));
  const to = utcDay(args.to ?? new Date(now + DAY_MS));
  if (to <= from) throw badUserInput('"to" must be a later day than "from".', 'to');
  if (Date.parse(to) - Date.parse(from) > MAX_SPAN_DAYS * DAY_MS) throw badUserInput(`The span may be at most ${MAX_SPAN_DAYS} days.`, 'to');
  const page = forwardPage(args, isUsageCursor);
  const result = await findUsagePage(ctx.figuresDb, { userId, from, to, limit: page.limit, after: page.after });
  return toConnection({ ...result, limit: page.limit, cursorOf: (row) => [row.day, row.id], nodeOf: (row) => row });
}
