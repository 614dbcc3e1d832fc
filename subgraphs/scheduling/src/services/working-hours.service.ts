import { badUserInput, notFound, parseId, requireSelfOrRole, requireViewer } from '@academy/service-kit';
import type { SchedulingContext } from '../context.js';
import type { Trainer, Weekday, WorkingHours } from '../db/database.js';
import type { MutationSetTrainerWorkingHoursArgs } from '../generated/graphql.js';
import { isKnownTimeZone, replaceWorkingHours, type NewWorkingHours } from '../repositories/working-hours.repository.js';

/** Weekdays in ISO order: index + 1 is the ISO weekday PostgreSQL's isodow gives. */
const WEEKDAYS: readonly Weekday[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

/** Most spans one week of working hours may have. */
export const MAX_WORKING_HOURS = 50;

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const TIME_ZONE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;

/** Minutes after midnight of "HH:MM" ("24:00" only where `endOfDay`); null when malformed. */
function minutesOf(value: string, endOfDay: boolean): number | null {
  if (endOfDay && value === '24:00') return 24 * 60;
  const match = TIME.exec(value);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/** An IANA time zone both the runtime and PostgreSQL know; BAD_USER_INPUT otherwise. */
async function validTimeZone(ctx: SchedulingContext, value: string): Promise<string> {
  const invalid = () => badUserInput(`"timeZone" must be an IANA time zone such as Europe/London; "${value.slice(0, 64)}" is not one.`, 'timeZone');
  if (!TIME_ZONE.test(value) || value.length > 64) throw invalid();
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
  } catch {
    throw invalid();
  }
  if (!(await isKnownTimeZone(ctx.db, value))) throw invalid();
  return value;
}

/** The spans as stored, each checked; spans of one weekday must not overlap. */
function validHours(hours: MutationSetTrainerWorkingHoursArgs['hours']): NewWorkingHours[] {
  if (hours.length > MAX_WORKING_HOURS) throw badUserInput(`"hours" may hold at most ${MAX_WORKING_HOURS} spans.`, 'hours');
  const spans = hours.map((h, i) => {
    const start = minutesOf(h.startTime, false);
    const end = minutesOf(h.endTime, true);
    if (start === null) throw badUserInput('"startTime" must be HH:MM, from 00:00 to 23:59.', `hours[${i}].startTime`);
    if (end === null) throw badUserInput('"endTime" must be HH:MM, up to 24:00.', `hours[${i}].endTime`);
    if (end <= start) throw badUserInput('"endTime" must be after "startTime".', `hours[${i}].endTime`);
    return { index: i, weekday: WEEKDAYS.indexOf(h.weekday) + 1, start, end, startsAt: h.startTime, endsAt: h.endTime };
  });
  const sorted = [...spans].sort((a, b) => a.weekday - b.weekday || a.start - b.start);
  sorted.forEach((span, k) => {
    const before = sorted[k - 1];
    if (before && before.weekday === span.weekday && before.end > span.start) {
      throw badUserInput(`Spans on ${WEEKDAYS[span.weekday - 1]} overlap.`, `hours[${span.index}]`);
    }
  });
  return sorted.map(({ weekday, startsAt, endsAt }) => ({ weekday, startsAt, endsAt }));
}

/** Sets a trainer's time zone and weekly hours: the trainer themself or ADMIN. */
export async function setTrainerWorkingHours(ctx: SchedulingContext, args: MutationSetTrainerWorkingHoursArgs): Promise<Trainer> {
  requireViewer(ctx);
  const trainerId = parseId(args.trainerId, 'trainerId');
  const trainer = await ctx.loaders.trainerById.load(trainerId);
  if (!trainer) throw notFound('No trainer has this ID.');
  requireSelfOrRole(ctx, trainer.user_id, 'ADMIN');
  const hours = validHours(args.hours);
  const timeZone = await validTimeZone(ctx, args.timeZone);
  const updated = await ctx.db.transaction().execute((trx) => replaceWorkingHours(trx, trainerId, timeZone, hours));
  if (!updated) throw notFound('No trainer has this ID.');
  ctx.loaders.trainerById.clear(trainerId).prime(trainerId, updated);
  ctx.loaders.workingHoursOfTrainer.clear(trainerId);
  return updated;
}

/** A trainer's weekly working hours, by weekday then start. */
export const workingHoursOf = (ctx: SchedulingContext, trainer: Trainer): Promise<WorkingHours[]> => ctx.loaders.workingHoursOfTrainer.load(trainer.id);

/** The weekday of a stored span. */
export const weekdayOf = (hours: WorkingHours): Weekday => WEEKDAYS[hours.weekday - 1] ?? 'MONDAY';

/** A stored time ("09:00:00") as HH:MM. */
export const localTime = (time: string): string => time.slice(0, 5);
