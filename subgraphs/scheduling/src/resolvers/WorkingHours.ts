import type { WorkingHoursResolvers } from '../generated/graphql.js';
import { localTime, weekdayOf } from '../services/working-hours.service.js';

export const WorkingHours: WorkingHoursResolvers = {
  weekday: (h) => weekdayOf(h),
  startTime: (h) => localTime(h.starts_at),
  endTime: (h) => localTime(h.ends_at),
};
