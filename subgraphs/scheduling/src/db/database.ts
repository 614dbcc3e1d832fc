import type { EntityReference } from '@academy/service-kit';
import type { Selectable } from 'kysely';
import type {
  DB,
  SchedulingAttendanceRecords,
  SchedulingCoachingSessions,
  SchedulingEvents,
  SchedulingRegistrationRequirements,
  SchedulingRegistrations,
  SchedulingSessionTopics,
  SchedulingTrainerQualifications,
  SchedulingTrainerTimeOff,
  SchedulingTrainerWorkingHours,
  SchedulingTrainers,
  SchedulingTrainingSessions,
  SchedulingVenues,
} from '../generated/tables.js';

export type {
  AttendanceStatus,
  CoachingStatus,
  EventStatus,
  Granularity,
  RegistrationStatus,
  RequirementSeverity,
  SessionStatus,
  SpecialRequirementKind,
  TimeRange,
  TimeSeries,
  TrainingSessionFilter,
  Weekday,
} from '../generated/graphql.js';

/** The scheduling subgraph's tables (its own schema only), as the migrations build them. */
export type SchedulingDatabase = DB;

export type Venue = Selectable<SchedulingVenues>;
export type Trainer = Selectable<SchedulingTrainers>;
export type TrainingSession = Selectable<SchedulingTrainingSessions>;
export type CoachingSession = Selectable<SchedulingCoachingSessions>;
/** One span of a trainer's weekly working hours; times as PostgreSQL prints them (HH:MM:SS). */
export type WorkingHours = Selectable<SchedulingTrainerWorkingHours>;
/** A topic of a session: a plain name or a catalogue topic id (exactly one is set). */
export type SessionTopic = Selectable<SchedulingSessionTopics>;
export type TrainerQualification = Selectable<SchedulingTrainerQualifications>;
/** A span [starts_at, ends_at) a trainer takes no coaching bookings in. */
export type TrainerTimeOff = Selectable<SchedulingTrainerTimeOff>;
export type Event = Selectable<SchedulingEvents>;
export type Registration = Selectable<SchedulingRegistrations>;
export type AttendanceRecord = Selectable<SchedulingAttendanceRecords>;
export type SpecialRequirement = Selectable<SchedulingRegistrationRequirements>;
/** A course of the learning subgraph, referred to by id: scheduling only adds its sessions. */
export type CourseReference = EntityReference<'Course'>;
/** A topic of the learning subgraph, referred to by id. */
export type TopicReference = EntityReference<'Topic'>;
/** A user of the identity subgraph, referred to by id. */
export type UserReference = EntityReference<'User'>;
