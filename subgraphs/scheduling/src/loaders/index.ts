import { DataLoader, defineLoaders, groupedLoader, keyedLoader, type Viewer } from '@academy/service-kit';
import type { Kysely } from 'kysely';
import type { CoachingSession, Registration, SchedulingDatabase, Venue } from '../db/database.js';
import { findAttendanceOfRegistrations } from '../repositories/attendance.repository.js';
import { findCoachingSessionsByIds, findCoachingSessionsOfUsers } from '../repositories/coaching-session.repository.js';
import { findEventsByIds } from '../repositories/event.repository.js';
import { findQualificationsOfTrainers, findTrainersByIds, findTrainersByUserIds } from '../repositories/trainer.repository.js';
import {
  findRegistrationsByIds,
  findRegistrationsOfSessions,
  findRegistrationsOfUsers,
  findRequirementsOfRegistrations,
  findSessionsAttendedBy,
} from '../repositories/registration.repository.js';
import { findCurrentTimeOffOfTrainers } from '../repositories/trainer-time-off.repository.js';
import {
  findSessionsByIds,
  findTopicsOfSessions,
  findUpcomingSessions,
  type SessionOwner,
  type SessionWithVenue,
} from '../repositories/training-session.repository.js';
import { findVenuesByIds } from '../repositories/venue.repository.js';
import { findWorkingHoursOfTrainers } from '../repositories/working-hours.repository.js';

/** Most coaching sessions User.coachingSessions lists. */
export const MAX_LISTED_COACHING_SESSIONS = 200;

/** Whose upcoming sessions, and how many. */
export interface UpcomingSessionsKey {
  ownerId: string;
  limit: number;
}

/** Whose registrations, and whether only upcoming ones. */
export interface UserRegistrationsKey {
  userId: string;
  upcomingOnly: boolean;
}

/** The loader that upcoming sessions, read with their venues, fill. */
interface VenueLoaders {
  venueById: DataLoader<string, Venue | null>;
}

/** Upcoming sessions by owner and page size; one statement per distinct page size; their venues primed. */
const upcomingSessionsOf = (db: Kysely<SchedulingDatabase>, owner: SessionOwner, venueById: DataLoader<string, Venue | null>) =>
  new DataLoader<UpcomingSessionsKey, SessionWithVenue[], string>(
    async (keys) => {
      const bySize = new Map<number, string[]>();
      for (const { ownerId, limit } of keys) {
        const ids = bySize.get(limit);
        if (ids) ids.push(ownerId);
        else bySize.set(limit, [ownerId]);
      }
      const found = new Map<string, SessionWithVenue[]>();
      await Promise.all(
        [...bySize].map(async ([limit, ids]) => {
          for (const row of await findUpcomingSessions(db, owner, ids, limit)) {
            if (row.venue) venueById.prime(row.venue.id, row.venue);
            const key = upcomingKey({ ownerId: row.owner_id, limit });
            const list = found.get(key);
            if (list) list.push(row);
            else found.set(key, [row]);
          }
        }),
      );
      return keys.map((key) => found.get(upcomingKey(key)) ?? []);
    },
    { cacheKeyFn: upcomingKey },
  );

/** The per-request DataLoaders of the scheduling subgraph; `viewer` is whoever the request is for. */
const makeLoaders = defineLoaders<{ db: Kysely<SchedulingDatabase>; viewer: Viewer | null }>()({
  venueById: ({ db }) => keyedLoader((ids: readonly string[]) => findVenuesByIds(db, ids), (v) => v.id),
  upcomingSessions: ({ db }, loaders: VenueLoaders): Record<SessionOwner, DataLoader<UpcomingSessionsKey, SessionWithVenue[], string>> => ({
    course: upcomingSessionsOf(db, 'course', loaders.venueById),
    venue: upcomingSessionsOf(db, 'venue', loaders.venueById),
    trainer: upcomingSessionsOf(db, 'trainer', loaders.venueById),
  }),
  trainerById: ({ db }) => keyedLoader((ids: readonly string[]) => findTrainersByIds(db, ids), (t) => t.id),
  sessionById: ({ db }) => keyedLoader((ids: readonly string[]) => findSessionsByIds(db, ids), (s) => s.id),
  coachingSessionById: ({ db }) => keyedLoader((ids: readonly string[]) => findCoachingSessionsByIds(db, ids), (c) => c.id),
  /** A user's coaching sessions (as learner or coach), upcoming only or all. */
  coachingSessionsOfUser: ({ db }) => ({
    upcoming: coachingSessionsOfUser(db, true),
    all: coachingSessionsOfUser(db, false),
  }),
  /** Each trainer's time off that has not ended, soonest first. */
  timeOffOfTrainer: ({ db }) => groupedLoader((ids: readonly string[]) => findCurrentTimeOffOfTrainers(db, ids), (t) => t.trainer_id),
  /** Whether the viewer holds a CONFIRMED or ATTENDED registration for each session; false for nobody signed in. */
  viewerAttendsSession: ({ db, viewer }) => keyedLoader(
    async (sessionIds: readonly string[]) => (viewer ? findSessionsAttendedBy(db, viewer.userId, sessionIds) : []),
    (r) => r.session_id,
    { project: () => true, missing: false },
  ),
  workingHoursOfTrainer: ({ db }) => groupedLoader((ids: readonly string[]) => findWorkingHoursOfTrainers(db, ids), (h) => h.trainer_id),
  trainerByUserId: ({ db }) => keyedLoader((userIds: readonly string[]) => findTrainersByUserIds(db, userIds), (t) => t.user_id),
  qualificationsOfTrainer: ({ db }) => groupedLoader((ids: readonly string[]) => findQualificationsOfTrainers(db, ids), (q) => q.trainer_id),
  topicsOfSession: ({ db }) => groupedLoader((ids: readonly string[]) => findTopicsOfSessions(db, ids), (t) => t.session_id),
  eventById: ({ db }) => keyedLoader((ids: readonly string[]) => findEventsByIds(db, ids), (e) => e.id),
  registrationById: ({ db }) => keyedLoader((ids: readonly string[]) => findRegistrationsByIds(db, ids), (r) => r.id),
  registrationsOfSession: ({ db }) => groupedLoader((ids: readonly string[]) => findRegistrationsOfSessions(db, ids), (r) => r.session_id),
  /** A user's registrations; one statement per value of upcomingOnly. */
  registrationsOfUser: ({ db }) => new DataLoader<UserRegistrationsKey, Registration[], string>(
    async (keys) => {
      const found = new Map<string, Registration[]>();
      for (const upcomingOnly of [false, true]) {
        const userIds = keys.filter((k) => k.upcomingOnly === upcomingOnly).map((k) => k.userId);
        if (userIds.length === 0) continue;
        for (const row of await findRegistrationsOfUsers(db, userIds, upcomingOnly)) {
          const key = userRegistrationsKey({ userId: row.user_id, upcomingOnly });
          const list = found.get(key);
          if (list) list.push(row);
          else found.set(key, [row]);
        }
      }
      return keys.map((key) => found.get(userRegistrationsKey(key)) ?? []);
    },
    { cacheKeyFn: userRegistrationsKey },
  ),
  requirementsOfRegistration: ({ db }) => groupedLoader((ids: readonly string[]) => findRequirementsOfRegistrations(db, ids), (r) => r.registration_id),
  attendanceOfRegistration: ({ db }) => keyedLoader((ids: readonly string[]) => findAttendanceOfRegistrations(db, ids), (a) => a.registration_id),
});

export function createLoaders(db: Kysely<SchedulingDatabase>, viewer: Viewer | null) {
  // upcomingSessions' factory sees the set as VenueLoaders: the compiler checks that it is one.
  return makeLoaders({ db, viewer }) satisfies VenueLoaders;
}

const coachingSessionsOfUser = (db: Kysely<SchedulingDatabase>, upcomingOnly: boolean) =>
  groupedLoader(
    (userIds: readonly string[]) => findCoachingSessionsOfUsers(db, userIds, { upcomingOnly, limit: MAX_LISTED_COACHING_SESSIONS }),
    (row) => row.owner_id,
    ({ owner_id: _owner, ...session }): CoachingSession => session,
  );

const userRegistrationsKey = ({ userId, upcomingOnly }: UserRegistrationsKey) => `${userId}|${upcomingOnly}`;

const upcomingKey = ({ ownerId, limit }: UpcomingSessionsKey) => `${ownerId}|${limit}`;

export type Loaders = ReturnType<typeof createLoaders>;
