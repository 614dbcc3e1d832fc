import type { EntityReference } from '@academy/service-kit';
import type { Selectable } from 'kysely';
import type {
  DB,
  SchedulingAttendanceRecords,
  SchedulingRegistrationRequirements,
  SchedulingRegistrations,
  SchedulingTrainers,
  SchedulingTrainingSessions,
  SchedulingVenues,
} from '../generated/tables.js';

export type {
  AttendanceStatus,
  Granularity,
  RegistrationStatus,
  RequirementSeverity,
  SessionStatus,
  SpecialRequirementKind,
  TimeRange,
  TimeSeries,
  TrainingSessionFilter,
} from '../generated/graphql.js';

/** The scheduling subgraph's tables (its own schema only), as the migrations build them. */
export type SchedulingDatabase = DB;

export type Venue = Selectable<SchedulingVenues>;
export type Trainer = Selectable<SchedulingTrainers>;
export type TrainingSession = Selectable<SchedulingTrainingSessions>;
export type Registration = Selectable<SchedulingRegistrations>;
export type AttendanceRecord = Selectable<SchedulingAttendanceRecords>;
export type SpecialRequirement = Selectable<SchedulingRegistrationRequirements>;
/** A course of the learning subgraph, referred to by id: scheduling only adds its sessions. */
export type CourseReference = EntityReference<'Course'>;
/** A user of the identity subgraph, referred to by id. */
export type UserReference = EntityReference<'User'>;
