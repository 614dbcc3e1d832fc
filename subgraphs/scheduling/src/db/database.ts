import type { Generated, Selectable } from 'kysely';

export type SessionStatus = 'SCHEDULED' | 'CONFIRMED' | 'IN_PROGRESS' | 'COMPLETED' | 'CANCELLED';

export interface VenuesTable {
  id: Generated<string>;
  name: string;
  address_line1: string | null;
  address_line2: string | null;
  city: string | null;
  postcode: string | null;
  capacity: number | null;
  facilities: Generated<string[]>;
  parking_info: string | null;
  is_active: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface TrainersTable {
  id: Generated<string>;
  user_id: string;
  bio: string | null;
  specializations: Generated<string[]>;
  qualification_expires_at: Date | null;
  is_active: Generated<boolean>;
  rating_sum: Generated<number>;
  rating_count: Generated<number>;
  created_at: Generated<Date>;
}

export interface TrainingSessionsTable {
  id: Generated<string>;
  course_id: string;
  venue_id: string | null;
  trainer_id: string | null;
  starts_at: Date;
  ends_at: Date;
  status: Generated<SessionStatus>;
  capacity: number;
  seats_taken: Generated<number>;
  online_join_url: string | null;
  cancellation_reason: string | null;
  created_at: Generated<Date>;
}

/** The scheduling subgraph's tables: its own schema only. */
export interface SchedulingDatabase {
  'scheduling.venues': VenuesTable;
  'scheduling.trainers': TrainersTable;
  'scheduling.training_sessions': TrainingSessionsTable;
}

export type Venue = Selectable<VenuesTable>;
export type Trainer = Selectable<TrainersTable>;
export type TrainingSession = Selectable<TrainingSessionsTable>;
