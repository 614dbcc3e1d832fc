import {
  DAY, HOUR, MINUTE, truncate,
  type ChatMemberRole, type ChatRoomEntity, type ChatRoomKind, type CourseEntity, type SessionEntity, type UserEntity,
} from './model.js';
import { at, type Prng } from './prng.js';
import { TOPICS, type TopicSeed } from './reference-data.js';
import { REGIONS } from './word-lists.js';

const dateLabel = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

export interface CommunityInput {
  anchor: number;
  users: readonly UserEntity[];
  /** Indexes of the synthetic users (those without an account). */
  learners: readonly number[];
  courses: readonly CourseEntity[];
  sessions: readonly SessionEntity[];
  trainerUsers: readonly number[];
  organizers: readonly number[];
  admin: number;
  demoLearner: number;
  demoOrganizer: number;
  groupRooms: number;
  directRooms: number;
  coachingRooms: number;
}

/**
 * Chat rooms and their members: one room per training session (its trainer and registrants),
 * topic groups of Zipf-like sizes, a trainers' lounge, and some direct and coaching chats.
 * The rows are written by the chat generator, which adds the messages they depend on.
 */
export function generateCommunity(rng: Prng, input: CommunityInput): ChatRoomEntity[] {
  const { anchor, users, learners } = input;
  const rooms: ChatRoomEntity[] = [];

  const openRoom = (
    name: string | null,
    kind: ChatRoomKind,
    session: SessionEntity | null,
    creator: number,
    createdAt: number,
    topic: TopicSeed | null,
  ) => {
    const room: ChatRoomEntity = {
      id: rng.uuid(),
      name: name === null ? null : truncate(name, 120),
      kind,
      sessionId: session?.id ?? null,
      sessionStartsAt: session?.startsAt ?? null,
      creator,
      createdAt,
      topic,
      members: [],
      directPair: null,
    };
    rooms.push(room);
    const members = new Set<number>();
    /** Joins at a random moment before `latest`; pass `createdAt` for those in from the start. */
    const add = (user: number, role: ChatMemberRole, latest = anchor - MINUTE) => {
      if (members.has(user)) return;
      members.add(user);
      const from = Math.max(createdAt, at(users, user).createdAt);
      const joinedAt = from >= latest ? from : from + Math.floor(rng.next() * (latest - from));
      room.members.push({ user, role, joinedAt });
    };
    return { room, add, size: () => members.size };
  };

  // Session rooms: opened when the session was scheduled; registrants are mostly people
  // enrolled in the course.
  let demoLearnerPlaced = false;
  for (const session of input.sessions) {
    const course = at(input.courses, session.course);
    const where = session.city ?? 'Online';
    const creator = session.trainerUser ?? (input.organizers.length > 0 ? rng.pick(input.organizers) : input.admin);
    const room = openRoom(`${course.title} · ${where} · ${dateLabel.format(session.startsAt)}`, 'SESSION', session, creator, session.createdAt, course.topic);
    // Whoever opens a room is in it from the start.
    room.add(creator, 'OWNER', session.createdAt);
    const latest = Math.min(session.startsAt, anchor - MINUTE);
    let seats = session.seatsTaken;
    if (!demoLearnerPlaced && seats > 0 && course.slug === 'first-aid-at-work' && session.startsAt > anchor) {
      room.add(input.demoLearner, 'MEMBER', latest);
      demoLearnerPlaced = true;
      seats--;
    }
    const target = room.size() + seats;
    for (let attempts = 0; room.size() < target && attempts < seats * 4; attempts++) {
      const user = course.enrollees.length > 0 && rng.chance(0.8) ? rng.pick(course.enrollees) : rng.pick(learners);
      room.add(user, 'MEMBER', latest);
    }
  }

  // The trainers' lounge: every trainer, moderated by the admin.
  const loungeOpened = anchor - 700 * DAY;
  const lounge = openRoom('Trainers’ lounge', 'GROUP', null, input.admin, loungeOpened, null);
  lounge.add(input.admin, 'OWNER', loungeOpened);
  for (const trainer of input.trainerUsers) lounge.add(trainer, 'MEMBER');

  // Topic groups: a few large ones and a long tail of small ones.
  const hosts = [...input.organizers, ...input.trainerUsers];
  const maxSize = Math.min(Math.round(learners.length * 0.25), 2500);
  const usedNames = new Set<string>();
  for (let g = 0; g < input.groupRooms; g++) {
    const topic = rng.pick(TOPICS);
    const city = rng.pick(at(REGIONS, 0).cities); // the UK, where most members live
    let name = rng.weighted([
      [`${topic.name} community`, 3],
      [`${topic.name}: questions and answers`, 2],
      [`${city} ${topic.name.toLowerCase()} learners`, 2],
      [`${rng.pick(topic.subjects)} study group`, 3],
      [`${rng.pick(topic.subjects)} alumni`, 1],
    ]);
    for (let n = 2; usedNames.has(name); n++) name = `${name.replace(/ \d+$/, '')} ${n}`;
    usedNames.add(name);
    const creator = g < 2 ? input.demoOrganizer : hosts.length > 0 ? rng.pick(hosts) : input.admin;
    const opened = anchor - rng.int(30, 700) * DAY - rng.int(0, 23) * HOUR;
    const room = openRoom(name, 'GROUP', null, creator, opened, topic);
    room.add(creator, 'OWNER', opened);
    for (const moderator of rng.sample(hosts, rng.int(0, 2))) room.add(moderator, 'MODERATOR');
    const size = Math.max(3, Math.round(maxSize / Math.pow(g + 1, 0.8)));
    for (let attempts = 0; room.size() < size && attempts < size * 3; attempts++) room.add(rng.pick(learners), 'MEMBER');
  }

  // Direct chats between learners, the demo learner's first: one room per unordered pair, as
  // openDirectChat keeps it (the pair is a unique key), so a repeated pair is drawn again.
  const pairs = new Set<string>();
  for (let d = 0, attempts = 0; d < input.directRooms && attempts < input.directRooms * 20; attempts++) {
    const a = d === 0 ? input.demoLearner : rng.pick(learners);
    const b = rng.pick(learners);
    if (a === b) continue;
    const idA = at(users, a).id;
    const idB = at(users, b).id;
    // Lowercase hex uuids compare as strings the way PostgreSQL compares uuids (bytewise).
    const pair = idA < idB ? ([idA, idB] as const) : ([idB, idA] as const);
    const key = `${pair[0]}/${pair[1]}`;
    if (pairs.has(key)) continue;
    pairs.add(key);
    d++;
    const opened = Math.min(anchor - MINUTE, Math.max(at(users, a).createdAt, at(users, b).createdAt) + rng.int(1, 48) * HOUR);
    const room = openRoom(null, 'DIRECT', null, a, opened, null);
    room.room.directPair = pair;
    // openDirectChat adds both users when it creates the room.
    room.add(a, 'MEMBER', opened);
    room.add(b, 'MEMBER', opened);
  }
  if (input.trainerUsers.length > 0) {
    for (let c = 0; c < input.coachingRooms; c++) {
      const trainer = rng.pick(input.trainerUsers);
      const learner = rng.pick(learners);
      const opened = Math.min(anchor - HOUR, Math.max(at(users, trainer).createdAt, at(users, learner).createdAt) + rng.int(1, 60) * DAY);
      const room = openRoom(`Coaching: ${at(users, learner).displayName}`, 'COACHING', null, trainer, opened, rng.pick(TOPICS));
      room.add(trainer, 'OWNER', opened);
      room.add(learner, 'MEMBER', opened);
    }
  }

  return rooms;
}
