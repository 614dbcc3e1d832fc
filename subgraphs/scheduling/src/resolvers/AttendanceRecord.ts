import type { AttendanceRecordResolvers } from '../generated/graphql.js';
import { certificateEligible } from '../services/attendance.service.js';

export const AttendanceRecord: AttendanceRecordResolvers = {
  checkedInAt: (a) => a.checked_in_at,
  checkedOutAt: (a) => a.checked_out_at,
  certificateEligible: (a, _, ctx) => certificateEligible(ctx, a),
};
