// When an e-mail may go out, given the user's quiet hours in their own time zone.

/** Quiet hours: [start, end) in local wall-clock time (HH:MM), in an IANA time zone. */
export interface QuietHoursSetting {
  start: string;
  end: string;
  timeZone: string;
}

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone }).format(0);
    return timeZone.length <= 64;
  } catch {
    return false;
  }
}

/** The local wall-clock minute of the day of `at` in `timeZone`, and the zone's offset from UTC then (minutes). */
function localClock(at: Date, timeZone: string): { minuteOfDay: number; offsetMinutes: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return { minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute), offsetMinutes: Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000) };
}

/**
 * The instant an e-mail made at `now` may be sent: `now` outside quiet hours, else the end of
 * the quiet hours it falls in (hours may run past midnight: end before start). The end is found
 * on the local clock and corrected once for a change of UTC offset in between (daylight saving).
 */
export function sendAfter(now: Date, quiet: QuietHoursSetting | null): Date {
  if (!quiet) return now;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const { minuteOfDay, offsetMinutes } = localClock(now, quiet.timeZone);
  const inQuiet = start < end ? minuteOfDay >= start && minuteOfDay < end : minuteOfDay >= start || minuteOfDay < end;
  if (!inQuiet) return now;
  const wait = (end - minuteOfDay + 24 * 60) % (24 * 60);
  const startOfMinute = Math.floor(now.getTime() / 60_000) * 60_000;
  const candidate = new Date(startOfMinute + wait * 60_000);
  const shift = localClock(candidate, quiet.timeZone).offsetMinutes - offsetMinutes;
  return new Date(candidate.getTime() - shift * 60_000);
}
