import { badUserInput, requireViewer } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { CommunityContext } from '../context.js';
import type { CommunityDatabase } from '../db/database.js';
import type { MutationUpdateNotificationPreferencesArgs, NotificationKind, NotificationPreferences } from '../generated/graphql.js';
import {
  deleteQuietHours,
  findPreferences,
  findQuietHours,
  turnEmailOff,
  upsertPreferences,
  upsertQuietHours,
} from '../repositories/notification-preference.repository.js';
import { isNotificationKind, NOTIFICATION_KINDS } from './notification-kinds.js';
import { isTimeZone } from './quiet-hours.js';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A user's settings: every kind with their choice or its default, and their quiet hours. */
async function settingsOf(db: Kysely<CommunityDatabase>, userId: string): Promise<NotificationPreferences> {
  const [stored, quiet] = await Promise.all([findPreferences(db, [userId]), findQuietHours(db, [userId])]);
  const hours = quiet[0];
  return {
    kinds: (Object.keys(NOTIFICATION_KINDS) as NotificationKind[]).map((kind) => {
      const row = stored.find((p) => p.kind === kind);
      return { kind, inApp: row?.in_app ?? NOTIFICATION_KINDS[kind].inApp, email: row?.email ?? NOTIFICATION_KINDS[kind].email };
    }),
    quietHours: hours ? { start: hours.starts_at, end: hours.ends_at, timeZone: hours.time_zone } : null,
  };
}

/** The signed-in user's notification settings. */
export function notificationPreferences(ctx: CommunityContext): Promise<NotificationPreferences> {
  const viewer = requireViewer(ctx);
  return settingsOf(ctx.db, viewer.userId);
}

/**
 * Changes the signed-in user's settings: every input checked first, then one transaction. A
 * channel left out keeps its current setting (or the kind's default).
 */
export async function updateNotificationPreferences(ctx: CommunityContext, { input }: MutationUpdateNotificationPreferencesArgs): Promise<NotificationPreferences> {
  const viewer = requireViewer(ctx);
  const kinds = input.kinds ?? [];
  const seen = new Set<string>();
  for (const [i, entry] of kinds.entries()) {
    if (seen.has(entry.kind)) throw badUserInput(`"input.kinds" names ${entry.kind} twice.`, `input.kinds.${i}.kind`);
    seen.add(entry.kind);
  }
  if (input.quietHours && input.clearQuietHours) throw badUserInput('Give "input.quietHours" or "input.clearQuietHours", not both.', 'input.clearQuietHours');
  const quiet = input.quietHours;
  if (quiet) {
    if (!HHMM.test(quiet.start)) throw badUserInput('"input.quietHours.start" must be a time as HH:MM (00:00 to 23:59).', 'input.quietHours.start');
    if (!HHMM.test(quiet.end)) throw badUserInput('"input.quietHours.end" must be a time as HH:MM (00:00 to 23:59).', 'input.quietHours.end');
    if (quiet.start === quiet.end) throw badUserInput('Quiet hours must end at another time than they start.', 'input.quietHours.end');
    if (!isTimeZone(quiet.timeZone)) throw badUserInput('"input.quietHours.timeZone" must be an IANA time zone such as Europe/London.', 'input.quietHours.timeZone');
  }

  await ctx.db.transaction().execute(async (trx) => {
    const current = (await settingsOf(trx, viewer.userId)).kinds;
    await upsertPreferences(
      trx,
      viewer.userId,
      kinds.map((entry) => {
        const now = current.find((c) => c.kind === entry.kind)!;
        return { kind: entry.kind, inApp: entry.inApp ?? now.inApp, email: entry.email ?? now.email };
      }),
    );
    if (quiet) await upsertQuietHours(trx, viewer.userId, quiet);
    if (input.clearQuietHours) await deleteQuietHours(trx, viewer.userId);
  });
  return settingsOf(ctx.db, viewer.userId);
}

/** An unsubscribe link followed: the kind's e-mails off for the user. False for a kind unknown here. */
export async function unsubscribeFromEmails(db: Kysely<CommunityDatabase>, userId: string, kind: string): Promise<boolean> {
  if (!isNotificationKind(kind)) return false;
  await turnEmailOff(db, userId, kind, NOTIFICATION_KINDS[kind].inApp);
  return true;
}
