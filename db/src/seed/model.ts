// The in-memory picture of the demo data that the generators share: who exists, what they
// took, and when. Times are epoch milliseconds until they are written out.
import type { Account, Role } from './accounts.js';
import type { Row } from './bulk-insert.js';
import type { CourseLevel, TopicSeed } from './reference-data.js';
import type { SeededTable } from './tables.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** How many of each thing a scale asks for. */
export interface SeedSizes {
  /** Synthetic users, besides the admin and the demo accounts. */
  users: number;
  /** Courses, the three reference courses included. */
  courses: number;
  /** Synthetic trainers (the demo trainer comes on top). */
  trainers: number;
  contentAuthors: number;
  organizers: number;
  analysts: number;
  partners: number;
  groupRooms: number;
  directRooms: number;
  coachingRooms: number;
  /** Chat messages over all rooms, over the last weeks. */
  chatMessages: number;
  /** Analytics events per user, on average, over the last 90 days. */
  eventsPerUser: number;
  /** Events (open days, summits, meet-ups), past and upcoming. */
  events: number;
  /** Community posts over the last weeks, with their comments and reactions. */
  posts: number;
}

/** The sizes of the data set at `scale` (1 = about 2,000 users and 60 courses). */
export function seedSizes(scale: number): SeedSizes {
  if (!Number.isFinite(scale) || scale <= 0 || scale > 1000) throw new RangeError(`scale must be in (0, 1000], got ${scale}`);
  const users = Math.max(20, Math.round(2000 * scale));
  return {
    users,
    courses: Math.max(6, Math.round(60 * scale)),
    trainers: Math.max(3, Math.round(users * 0.02)),
    contentAuthors: Math.max(2, Math.round(users * 0.01)),
    organizers: Math.max(1, Math.round(users * 0.004)),
    analysts: Math.max(1, Math.round(users * 0.002)),
    partners: Math.max(1, Math.round(users * 0.003)),
    groupRooms: Math.max(3, Math.round(25 * scale)),
    directRooms: Math.round(users * 0.03),
    coachingRooms: Math.round(users * 0.02 * 1.5),
    // About 20,000 at scale 1, so the benchmark scale (50) holds a million.
    chatMessages: Math.round(20_000 * scale),
    eventsPerUser: 20,
    events: Math.max(4, Math.round(12 * scale)),
    posts: Math.max(12, Math.round(400 * scale)),
  };
}

export interface UserEntity {
  id: string;
  createdAt: number;
  displayName: string;
  roles: Role[];
  /** Set for the admin and the demo accounts. */
  account: Account | null;
}

export interface TopicEntity {
  id: string;
  seed: TopicSeed;
}

export type CourseStatus = 'DRAFT' | 'PUBLISHED' | 'ARCHIVED';

export interface CourseEntity {
  id: string;
  slug: string;
  title: string;
  level: CourseLevel;
  language: string;
  durationMinutes: number;
  status: CourseStatus;
  /** The main topic. */
  topic: TopicSeed;
  /** One of the first-aid company's courses (REFERENCE_COURSES). */
  reference: boolean;
  createdAt: number;
  publishedAt: number | null;
  /** For archived courses, when they were archived. */
  updatedAt: number;
  lessonIds: string[];
  /** Module titles in order, each with its lessons' titles (what learning's course events carry). */
  outline: { title: string; lessons: string[] }[];
  price: { amountMinor: number; currency: string } | null;
  enrollmentCount: number;
  completedCount: number;
  /** Users with a live (not cancelled) enrollment. */
  enrollees: number[];
  summary: string;
  description: string;
  /** The author, as an index into the users. */
  author: number;
  certificateMonths: number | null;
}

export interface EnrollmentEntity {
  id: string;
  user: number;
  course: number;
  status: 'ACTIVE' | 'COMPLETED' | 'CANCELLED';
  enrolledAt: number;
  completedAt: number | null;
  /** Lessons completed, the course's first ones in order: progress_percent follows from them. */
  completedLessons: number;
}

export interface SessionEntity {
  id: string;
  course: number;
  startsAt: number;
  status: 'SCHEDULED' | 'CONFIRMED' | 'IN_PROGRESS' | 'COMPLETED' | 'CANCELLED';
  seatsTaken: number;
  trainerUser: number | null;
  createdAt: number;
  city: string | null;
}

export type ChatRoomKind = 'DIRECT' | 'GROUP' | 'SESSION' | 'COACHING';
export type ChatMemberRole = 'OWNER' | 'MODERATOR' | 'MEMBER';

export interface ChatMemberEntity {
  user: number;
  role: ChatMemberRole;
  joinedAt: number;
}

export interface ChatRoomEntity {
  id: string;
  name: string | null;
  kind: ChatRoomKind;
  sessionId: string | null;
  /** For session rooms, when the session starts. */
  sessionStartsAt: number | null;
  creator: number;
  createdAt: number;
  /** What the room talks about, when it has a subject. */
  topic: TopicSeed | null;
  /** In the order they joined the room's rows. */
  members: ChatMemberEntity[];
  /** For DIRECT rooms, the two members' ids, smaller first (as PostgreSQL orders uuids). */
  directPair: readonly [low: string, high: string] | null;
}

/** Everything generated so far, shared by the generators that come later. */
export interface World {
  /** Midnight UTC of the current day: every time is placed relative to it. */
  anchor: number;
  sizes: SeedSizes;
  users: UserEntity[];
  admin: number;
  /** Demo account of each role, as an index into `users`. */
  demo: Record<Exclude<Role, 'ADMIN'>, number>;
  topics: TopicEntity[];
  courses: CourseEntity[];
  /** Enrollable courses (published or archived), most popular first. */
  popularity: number[];
  enrollmentsByUser: EnrollmentEntity[][];
  sessions: SessionEntity[];
  trainerUsers: number[];
}

/** Rows for one table: a list, or a generator when they are too many to hold at once. */
export interface TableRows {
  table: SeededTable;
  total: number;
  rows: Iterable<Row>;
  /**
   * For a table derived from rows loaded before it: one statement that fills it inside the
   * database (then `rows` is empty and `total` an estimate), far faster than sending millions.
   */
  fill?: string;
  /**
   * One statement run once the rows are loaded, adding rows to the same table derived from
   * tables loaded before it (e.g. the analytics events of the seeded domain rows).
   */
  derived?: string;
}

/** Capitalises the first letter. */
export const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** `text` cut to `max` characters, with an ellipsis when cut. */
export const truncate = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`);
